package redis_test

import (
	"context"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/redis"
)

// newLimiter returns a Redis limiter with an inmem fallback on its own
// client. Its per-call timeout is generous: these tests check the shared
// algorithm, and a loaded CI machine must not push them onto the fallback
// (TestRateLimiterFallsBackAndRecovers checks the fallback itself).
func newLimiter(t *testing.T, url, prefix string, reg *prometheus.Registry) *redis.RateLimiter {
	t.Helper()
	return newLimiterTimeout(t, url, prefix, reg, 2*time.Second)
}

// newLimiterTimeout is newLimiter with the given per-call timeout; zero is
// the production default.
func newLimiterTimeout(t *testing.T, url, prefix string, reg *prometheus.Registry, timeout time.Duration) *redis.RateLimiter {
	t.Helper()
	l, err := redis.NewRateLimiter(open(t, url), inmem.NewRateLimiter(inmem.RateLimiterOptions{}),
		redis.RateLimiterOptions{Prefix: prefix, Registry: reg, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRateLimiterSharedAcrossInstances(t *testing.T) {
	url := redisURL(t)
	p := prefix(t)
	a, b := newLimiter(t, url, p, nil), newLimiter(t, url, p, nil)
	ctx := context.Background()
	r := tenantry.Rate{Events: 10, Per: time.Minute, Burst: 5}
	steps := []struct {
		l       *redis.RateLimiter
		name    string
		allowed bool
	}{
		{a, "a", true}, {a, "a", true}, {a, "a", true}, {b, "b", true}, {b, "b", true},
		{b, "b", false}, {a, "a", false},
	}
	for i, s := range steps {
		res, err := s.l.Allow(ctx, "tenant-1", r)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Allowed, s.allowed; got != want {
			t.Errorf("step %d on %s: got allowed=%v, want %v (%+v)", i, s.name, got, want, res)
		}
		if !res.Allowed && res.RetryAfter <= 0 {
			t.Errorf("step %d: refused with RetryAfter %v, want > 0", i, res.RetryAfter)
		}
	}
	// Another key is independent.
	if res, _ := b.Allow(ctx, "tenant-2", r); !res.Allowed {
		t.Errorf("tenant-2: got refused, want allowed")
	}
}

func TestRateLimiterAccuracy(t *testing.T) {
	url := redisURL(t)
	p := prefix(t)
	r := tenantry.Rate{Events: 100, Per: time.Second, Burst: 20}
	limiters := []*redis.RateLimiter{newLimiter(t, url, p, nil), newLimiter(t, url, p, nil), newLimiter(t, url, p, nil)}
	var admitted, errs atomic.Int64
	ctx := context.Background()
	begin := time.Now()
	stop := begin.Add(2 * time.Second)
	var wg sync.WaitGroup
	for _, l := range limiters {
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					res, err := l.Allow(ctx, "hot", r)
					if err != nil {
						errs.Add(1)
						continue
					}
					if res.Allowed {
						admitted.Add(1)
					}
				}
			}()
		}
	}
	wg.Wait()
	elapsed := time.Since(begin)
	for i, l := range limiters {
		if !l.Up() {
			t.Errorf("limiter %d fell back during the run", i)
		}
	}
	if errs.Load() > 0 {
		t.Errorf("%d errors", errs.Load())
	}
	want := float64(r.Events)*elapsed.Seconds() + float64(r.Burst)
	got := float64(admitted.Load())
	if diff := math.Abs(got-want) / want; diff > 0.05 {
		t.Errorf("admitted %.0f in %v, want %.0f ±5%% (off by %.1f%%)", got, elapsed, want, diff*100)
	}
}

func TestRateLimiterFallsBackAndRecovers(t *testing.T) {
	srv := startServer(t)
	reg := prometheus.NewRegistry()
	l := newLimiterTimeout(t, srv.URL(), prefix(t), reg, 0)
	ctx := context.Background()
	r := tenantry.Rate{Events: 1000, Per: time.Second, Burst: 1000}

	allow := func(step string) tenantry.RateResult {
		t.Helper()
		res, err := l.Allow(ctx, "k", r)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return res
	}
	// waitUp calls Allow until the limiter uses Redis again.
	waitUp := func(step string) time.Duration {
		t.Helper()
		begin := time.Now()
		for !l.Up() {
			if time.Since(begin) > 3*time.Second {
				t.Fatalf("%s: limiter still on the fallback after %v", step, time.Since(begin))
			}
			allow(step)
			time.Sleep(10 * time.Millisecond)
		}
		return time.Since(begin)
	}

	// The first call dials; on a loaded machine that may exceed the 50ms
	// timeout, so wait until the limiter is on Redis before checking it.
	allow("redis up")
	waitUp("redis up")
	if res := allow("redis up"); !res.Allowed || !l.Up() {
		t.Fatalf("redis up: got %+v up=%v, want allowed from redis", res, l.Up())
	}
	if got := metric(t, reg, "tenantry_redis_up"); got != 1 {
		t.Errorf("tenantry_redis_up: got %v, want 1", got)
	}

	// A hung Redis (stopped process) costs three requests in a row the
	// 50ms timeout (one slow answer is not an outage), then it is down.
	srv.signal(syscall.SIGSTOP)
	for i := 0; i < 3; i++ {
		begin := time.Now()
		allow("redis hung")
		if d := time.Since(begin); d > 500*time.Millisecond {
			t.Errorf("redis hung: Allow took %v, want about the 50ms timeout", d)
		}
		if i < 2 && !l.Up() {
			t.Fatalf("redis hung: marked down after %d slow call(s), want 3 in a row", i+1)
		}
	}
	if l.Up() {
		t.Fatal("redis hung: limiter still up")
	}
	// While down, requests do not wait on Redis.
	begin := time.Now()
	for i := 0; i < 100; i++ {
		allow("redis hung")
	}
	if d := time.Since(begin); d > 500*time.Millisecond {
		t.Errorf("100 requests while down took %v, want no Redis latency", d)
	}
	srv.signal(syscall.SIGCONT)
	if d := waitUp("redis resumed"); d > 2500*time.Millisecond {
		t.Errorf("redis resumed: back after %v, want within ~2s", d)
	}

	// A crashed Redis: decisions keep coming from the fallback.
	before := metric(t, reg, "tenantry_ratelimit_fallback_total")
	srv.kill()
	for i := 0; i < 50; i++ {
		allow("redis killed")
	}
	if l.Up() {
		t.Fatal("redis killed: limiter still up")
	}
	if got := metric(t, reg, "tenantry_ratelimit_fallback_total"); got < before+50 {
		t.Errorf("fallback counter: got %v, want at least %v", got, before+50)
	}
	if got := metric(t, reg, "tenantry_redis_up"); got != 0 {
		t.Errorf("tenantry_redis_up while down: got %v, want 0", got)
	}
	// The fallback enforces limits too.
	tight := tenantry.Rate{Events: 1, Per: time.Hour, Burst: 2}
	var ok int
	for i := 0; i < 5; i++ {
		if res, _ := l.Allow(ctx, "tight", tight); res.Allowed {
			ok++
		}
	}
	if got, want := ok, 2; got != want {
		t.Errorf("fallback admitted %d of 5 at burst 2, want %d", got, want)
	}

	srv.start()
	if d := waitUp("redis restarted"); d > 2500*time.Millisecond {
		t.Errorf("redis restarted: back after %v, want within ~2s", d)
	}
	after := metric(t, reg, "tenantry_ratelimit_fallback_total")
	allow("redis back")
	if got := metric(t, reg, "tenantry_ratelimit_fallback_total"); got != after {
		t.Errorf("fallback counter grew after recovery: %v to %v", after, got)
	}
	if got := metric(t, reg, "tenantry_redis_up"); got != 1 {
		t.Errorf("tenantry_redis_up after recovery: got %v, want 1", got)
	}
}

func TestRateLimiterInvalidRate(t *testing.T) {
	l, err := redis.NewRateLimiter(nil, nil, redis.RateLimiterOptions{})
	if err == nil || l != nil {
		t.Errorf("NewRateLimiter(nil, nil): got %v, %v; want an error", l, err)
	}
}

func BenchmarkRateLimiterAllow(b *testing.B) {
	url := os.Getenv("TENANTRY_TEST_REDIS_URL")
	if url == "" {
		b.Skip("TENANTRY_TEST_REDIS_URL not set")
	}
	c, err := redis.Open(url)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	l, err := redis.NewRateLimiter(c, inmem.NewRateLimiter(inmem.RateLimiterOptions{}),
		redis.RateLimiterOptions{Prefix: "bench:" + tenantry.NewID() + ":"})
	if err != nil {
		b.Fatal(err)
	}
	r := tenantry.Rate{Events: 1_000_000, Per: time.Second, Burst: 1_000_000}
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := l.Allow(ctx, "hot", r); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if !l.Up() {
		b.Error("fell back during the benchmark")
	}
}
