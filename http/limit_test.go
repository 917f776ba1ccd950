package http

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/inmem"
)

func TestTenantRateLimit(t *testing.T) {
	lim := inmem.NewRateLimiter(inmem.RateLimiterOptions{})
	e := newSQLiteEnv(t, func(c *Config) { c.Limiter = lim })
	f := e.newFixture(t, "limited", "free")
	// 2 requests a second, burst 4.
	e.must(t, e.admin(t), "PATCH", "/api/admin/tenants/"+f.Tenant.ID, map[string]any{"limits": map[string]any{"requests_per_second": 2}}, 200, nil)
	var limited resp
	for i := 0; i < 10; i++ {
		r := e.do(t, f.Owner, "GET", "/api/projects", nil)
		if r.Status == http.StatusTooManyRequests {
			limited = r
			break
		}
		if r.Header.Get("RateLimit-Limit") != "4" {
			t.Fatalf("RateLimit-Limit: got %q, want 4", r.Header.Get("RateLimit-Limit"))
		}
	}
	if limited.Status != 429 || limited.errCode() != tenantry.ERATELIMITED {
		t.Fatalf("no 429 after 10 quick requests")
	}
	if ra, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After: %q", limited.Header.Get("Retry-After"))
	}
	if limited.Header.Get("RateLimit-Remaining") != "0" {
		t.Fatalf("RateLimit-Remaining: %q", limited.Header.Get("RateLimit-Remaining"))
	}
	// Another tenant is not affected.
	g := e.newFixture(t, "unlimited", "free")
	e.must(t, g.Owner, "GET", "/api/projects", nil, 200, nil)
	r := e.must(t, caller{}, "GET", "/metrics", nil, 200, nil)
	if !bytes.Contains(r.Body, []byte(`tenantry_http_rate_limited_total{scope="tenant"}`)) {
		t.Fatalf("metrics lack the rate-limited counter")
	}
}

func TestSignInBruteForce(t *testing.T) {
	lim := inmem.NewRateLimiter(inmem.RateLimiterOptions{})
	e := newSQLiteEnv(t, func(c *Config) {
		c.Limiter = lim
		c.LoginRatePerEmail = &tenantry.Rate{Events: 3, Per: time.Minute, Burst: 3}
		c.LoginRatePerIP = &tenantry.Rate{Events: 6, Per: time.Minute, Burst: 6}
	})
	codes := func(email string, n int) []int {
		var out []int
		for i := 0; i < n; i++ {
			out = append(out, e.do(t, caller{}, "POST", "/api/auth/login", map[string]any{"email": email, "password": "wrong password"}).Status)
		}
		return out
	}
	got := codes("victim@example.com", 4)
	if got[2] != 401 || got[3] != 429 {
		t.Fatalf("per e-mail: got %v, want 401 x3 then 429", got)
	}
	got = codes("other@example.com", 3)
	if got[0] != 401 || got[2] != 429 {
		t.Fatalf("per IP: got %v, want 401 then 429 once the IP's 6 are spent", got)
	}
}

func TestInFlightCap(t *testing.T) {
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "busy", "free")
	s := NewServer(Config{Store: e.Store, Auth: e.Auth})
	defer s.Close()
	tn, err := e.Store.TenantBySlug(t.Context(), "busy")
	if err != nil {
		t.Fatal(err)
	}
	max := s.plans.Limit(tn, tenantry.LimitMaxInFlight)
	var releases []func()
	for i := int64(0); i < max; i++ {
		rel, err := s.acquireInFlight(tn)
		if err != nil {
			t.Fatalf("acquire %d of %d: %v", i+1, max, err)
		}
		releases = append(releases, rel)
	}
	if _, err := s.acquireInFlight(tn); !tenantry.IsCode(err, tenantry.ERATELIMITED) {
		t.Fatalf("acquire over the cap: got %v, want rate_limited", err)
	}
	var wg sync.WaitGroup
	for _, rel := range releases {
		wg.Go(rel)
	}
	wg.Wait()
	rel, err := s.acquireInFlight(tn)
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	rel()
	_ = f
}

func TestRequestUsage(t *testing.T) {
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "counted", "free")
	for range 3 {
		e.must(t, f.Owner, "GET", "/api/projects", nil, 200, nil)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		u, err := e.Store.Tenant(f.Tenant.ID).Usage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if u.RequestsToday >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests_today: got %d, want >= 3", u.RequestsToday)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
