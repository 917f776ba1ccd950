package e2e

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials of the platform admin every process bootstraps, and the JWT
// secret the processes of one test share.
const (
	adminEmail    = "root@example.com"
	adminPassword = "correct horse battery staple"
	jwtSecret     = "e2e-shared-jwt-secret-0123456789abcdef"
)

// tailBuffer keeps the last max bytes written to it; it is safe for
// concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (tb *tailBuffer) Write(p []byte) (int, error) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.b = append(tb.b, p...)
	if len(tb.b) > tb.max {
		tb.b = append(tb.b[:0], tb.b[len(tb.b)-tb.max:]...)
	}
	return len(p), nil
}

func (tb *tailBuffer) String() string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return string(tb.b)
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is one running "tenantry serve" process.
type server struct {
	name   string
	base   string // http://127.0.0.1:PORT
	stderr *tailBuffer
	cmd    *exec.Cmd
	exited chan struct{}
}

// stop kills the server and waits until it has exited.
func (s *server) stop(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Kill()
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not exit within 10s of being killed", s.name)
	}
}

// serverConfig says how to start a server.
type serverConfig struct {
	name        string
	databaseURL string
	redisURL    string
	logLevel    string // default "info"
	data        string // the --data directory; default a new one
	args        []string
}

// startServer starts a server process, waits until /readyz answers 200
// and kills it when the test ends, showing its stderr if the test failed.
func startServer(t *testing.T, c serverConfig) *server {
	t.Helper()
	addr := freeAddr(t)
	if c.logLevel == "" {
		c.logLevel = "info"
	}
	if c.data == "" {
		c.data = t.TempDir()
	}
	args := []string{"serve", "--addr", addr, "--data", c.data,
		"--database-url", c.databaseURL, "--log-level", c.logLevel}
	if c.redisURL != "" {
		args = append(args, "--redis-url", c.redisURL)
	}
	args = append(args, c.args...)
	s := &server{name: c.name, base: "http://" + addr, stderr: &tailBuffer{max: 64 << 10}}
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(),
		"TENANTRY_ADMIN_EMAIL="+adminEmail,
		"TENANTRY_ADMIN_PASSWORD="+adminPassword,
		"TENANTRY_JWT_SECRET="+jwtSecret,
	)
	cmd.Stdout = s.stderr
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", c.name, err)
	}
	exited := make(chan struct{})
	s.cmd, s.exited = cmd, exited
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Errorf("%s did not exit within 10s of being killed", c.name)
		}
		if t.Failed() {
			t.Logf("stderr of %s (%s, last 64 KiB):\n%s", c.name, s.base, s.stderr.String())
		}
	})

	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("%s exited before it was ready:\n%s", c.name, s.stderr.String())
		default:
		}
		resp, err := hc.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within 60s (last error %v):\n%s", c.name, err, s.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// metric returns the value of an unlabelled metric of s's /metrics, and
// whether it was there.
func (s *server) metric(t *testing.T, c *client, name string) (float64, bool) {
	t.Helper()
	res := c.do(t, "GET", s.base+"/metrics", "", nil, nil)
	if res.status != http.StatusOK {
		t.Fatalf("%s GET /metrics: status %d", s.name, res.status)
	}
	sc := bufio.NewScanner(strings.NewReader(string(res.body)))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name+" ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		if err != nil {
			t.Fatalf("%s metric line %q: %v", s.name, line, err)
		}
		return v, true
	}
	return 0, false
}

// redisURL returns TENANTRY_TEST_REDIS_URL with its database number set to
// db, so that each test's keys (the sign-in limits keyed by the client IP
// above all) live apart from other tests'; it skips the test when the
// variable is unset, unless TENANTRY_TEST_REQUIRE_REDIS=1.
func redisURL(t *testing.T, db int) string {
	t.Helper()
	raw := os.Getenv("TENANTRY_TEST_REDIS_URL")
	if raw == "" {
		if os.Getenv("TENANTRY_TEST_REQUIRE_REDIS") == "1" {
			t.Fatal("TENANTRY_TEST_REQUIRE_REDIS=1 but TENANTRY_TEST_REDIS_URL is unset")
		}
		t.Skip("TENANTRY_TEST_REDIS_URL is unset: skipping Redis test")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("TENANTRY_TEST_REDIS_URL: %v", err)
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
		t.Fatalf("TENANTRY_TEST_REDIS_URL host %q: the end-to-end tests talk to loopback only", h)
	}
	u.Path = "/" + strconv.Itoa(db)
	return u.String()
}
