package e2e

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/pgtest"
)

// redisServer is a redis-server process of the test's own.
type redisServer struct {
	addr   string
	stderr *tailBuffer
	cmd    *exec.Cmd
	exited chan struct{}
}

// redisServerPath returns the redis-server binary, skipping the test when
// there is none (unless TENANTRY_TEST_REQUIRE_REDIS=1).
func redisServerPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("TENANTRY_TEST_REQUIRE_REDIS") == "1" {
			t.Fatalf("TENANTRY_TEST_REQUIRE_REDIS=1 but redis-server is not installed: %v", err)
		}
		t.Skip("redis-server is not installed: skipping the Redis outage test")
	}
	return path
}

// startRedis starts redis-server on addr (without persistence) and waits
// until it answers PING; it is killed when the test ends.
func startRedis(t *testing.T, addr string) *redisServer {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	r := &redisServer{addr: addr, stderr: &tailBuffer{max: 16 << 10}, exited: make(chan struct{})}
	r.cmd = exec.Command(redisServerPath(t), "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", t.TempDir())
	r.cmd.Stdout, r.cmd.Stderr = r.stderr, r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	go func() {
		_ = r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() {
		r.kill(t)
		if t.Failed() {
			t.Logf("output of redis-server %s:\n%s", addr, r.stderr.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for !redisPing(addr) {
		select {
		case <-r.exited:
			t.Fatalf("redis-server on %s exited:\n%s", addr, r.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s does not answer PING after 10s:\n%s", addr, r.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return r
}

// kill kills the redis-server and waits for it to exit.
func (r *redisServer) kill(t *testing.T) {
	_ = r.cmd.Process.Kill()
	select {
	case <-r.exited:
	case <-time.After(10 * time.Second):
		t.Errorf("redis-server on %s did not exit within 10s of being killed", r.addr)
	}
}

// redisPing reports whether a Redis on addr answers PING.
func redisPing(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && strings.TrimSpace(line) == "+PONG"
}

// load tallies the answers to a steady stream of requests.
type load struct {
	mu       sync.Mutex
	statuses map[int]int
	errs     []error
	slowest  time.Duration
	since    time.Time // the start of the current tally
	stop     chan struct{}
	done     chan struct{}
}

// startLoad sends GET /api/projects with key to s every interval until
// halted, tallying the answers.
func startLoad(c *client, s *server, key string, interval time.Duration) *load {
	l := &load{statuses: map[int]int{}, since: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-tick.C:
			}
			sent := time.Now()
			res, err := c.send("GET", s.base+"/api/projects", key, nil, nil)
			took := time.Since(sent)
			l.mu.Lock()
			l.slowest = max(l.slowest, took)
			if err != nil {
				l.errs = append(l.errs, err)
			} else {
				l.statuses[res.status]++
			}
			l.mu.Unlock()
		}
	}()
	return l
}

// snapshot returns the answers since the last snapshot (or the start) and
// how long that was, and resets the tally.
func (l *load) snapshot() (statuses map[int]int, errs []error, slowest, took time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	statuses, errs, slowest, took = l.statuses, l.errs, l.slowest, now.Sub(l.since)
	l.statuses, l.errs, l.slowest, l.since = map[int]int{}, nil, 0, now
	return statuses, errs, slowest, took
}

// halt stops the load and waits for its last request.
func (l *load) halt() {
	close(l.stop)
	<-l.done
}

// TestRedisOutage kills the Redis of a running process: the process keeps
// answering from its local fallback limiter, says so in its metrics, and
// returns to Redis within a few seconds once Redis is back on the same
// port.
func TestRedisOutage(t *testing.T) {
	dbURL := pgtest.URL(t)
	addr := freeAddr(t)
	rds := startRedis(t, addr)
	s := startServer(t, serverConfig{name: "A", databaseURL: dbURL, redisURL: "redis://" + addr + "/0"})
	c := newClient()

	admin := c.login(t, s, adminEmail, adminPassword)
	c.createTenant(t, s, admin.AccessToken, "steady", adminEmail)
	_, key := c.createAPIKey(t, s, admin.AccessToken, "steady", "member")

	// The tenant may make rate requests a second (burst 2*rate); the load
	// sends 25 a second, so that the limit shows, in Redis and in the
	// fallback alike.
	const rate = 5
	c.must(t, http.StatusOK, "PATCH", s.base+"/api/admin/tenants/steady", admin.AccessToken, nil,
		map[string]any{"limits": map[string]any{"requests_per_second": rate}}, nil)

	// check asserts that every request of a phase was answered, promptly,
	// with 200 or 429, that some were admitted and, when limited is set,
	// that the limit held: some were refused and no more than
	// rate*time+burst (plus one for the phase boundary) were admitted.
	check := func(phase string, l *load, limited bool) {
		t.Helper()
		statuses, errs, slowest, took := l.snapshot()
		t.Logf("%s: answers %v in %v, slowest %v", phase, statuses, took.Round(time.Millisecond), slowest.Round(time.Millisecond))
		if len(errs) > 0 {
			t.Errorf("%s: %d requests failed, first: %v", phase, len(errs), errs[0])
		}
		for status, n := range statuses {
			if status != http.StatusOK && status != http.StatusTooManyRequests {
				t.Errorf("%s: %d answers with status %d, want only 200 and 429", phase, n, status)
			}
		}
		if statuses[http.StatusOK] == 0 {
			t.Errorf("%s: no request was admitted", phase)
		}
		if slowest > time.Second {
			t.Errorf("%s: slowest answer took %v, want at most 1s", phase, slowest)
		}
		if !limited {
			return
		}
		if statuses[http.StatusTooManyRequests] == 0 {
			t.Errorf("%s: nothing was rate limited at 25 requests a second, limit %d", phase, rate)
		}
		if most := int(rate*took.Seconds()) + 2*rate + 1; statuses[http.StatusOK] > most {
			t.Errorf("%s: %d admitted in %v, want at most %d (rate %d, burst %d)", phase, statuses[http.StatusOK], took, most, rate, 2*rate)
		}
	}
	metric := func(name string) float64 {
		t.Helper()
		v, ok := s.metric(t, c, name)
		if !ok {
			t.Fatalf("/metrics lacks %s", name)
		}
		return v
	}

	l := startLoad(c, s, key, 40*time.Millisecond)
	defer l.halt()
	time.Sleep(500 * time.Millisecond)
	check("Redis up", l, false)
	// On an overloaded machine a single Redis call slower than the
	// limiter's 50ms timeout turns the process to its fallback for a
	// second: wait for it to be on Redis before the outage.
	for deadline := time.Now().Add(3 * time.Second); metric("tenantry_redis_up") != 1; {
		if time.Now().After(deadline) {
			t.Fatal("before the outage tenantry_redis_up stayed 0 for 3s, want 1")
		}
		time.Sleep(50 * time.Millisecond)
	}
	fallbacksBefore := metric("tenantry_ratelimit_fallback_total")

	rds.kill(t)
	time.Sleep(1500 * time.Millisecond)
	check("Redis down", l, true)
	if got := metric("tenantry_ratelimit_fallback_total"); got <= fallbacksBefore {
		t.Errorf("during the outage tenantry_ratelimit_fallback_total = %v, want more than %v", got, fallbacksBefore)
	} else {
		t.Logf("during the outage tenantry_ratelimit_fallback_total = %v", got)
	}
	if got, want := metric("tenantry_redis_up"), 0.0; got != want {
		t.Errorf("during the outage tenantry_redis_up = %v, want %v", got, want)
	}

	restarted := time.Now()
	startRedis(t, addr)
	deadline := restarted.Add(3 * time.Second)
	for {
		if metric("tenantry_redis_up") == 1 {
			t.Logf("tenantry_redis_up back to 1 %v after redis-server was restarted", time.Since(restarted).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("tenantry_redis_up still 0 %v after redis-server was restarted, want 1 within 3s", time.Since(restarted))
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // some requests answered from Redis again
	check("Redis back", l, false)
}
