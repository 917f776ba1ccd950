package http

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/inmem"
)

// benchEnv is a server on SQLite with tenant "bench" holding 20 projects,
// and its owner's access token.
func benchEnv(b *testing.B) (*Server, *tenantry.Tenant, caller) {
	b.Helper()
	e := newSQLiteEnv(b)
	f := e.newFixture(b, "bench", "enterprise")
	for i := range 20 {
		e.createProject(b, f.Owner, fmt.Sprintf("project %02d", i))
	}
	// The limiter does its whole work on every request, at a rate high
	// enough to admit them all.
	plans := tenantry.DefaultPlans()
	plans["enterprise"].Limits[tenantry.LimitRequestsPerSecond] = 1 << 40
	s := NewServer(Config{Store: e.Store, Auth: e.Auth, Plans: plans,
		Limiter: inmem.NewRateLimiter(inmem.RateLimiterOptions{})})
	b.Cleanup(func() { s.Close() })
	return s, f.Tenant, f.Owner
}

func benchRequest(c caller) *http.Request {
	req := httptest.NewRequest("GET", "/api/projects", nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set(HeaderTenant, "bench")
	return req
}

// BenchmarkRequestPath measures a whole tenant request: JWT
// authentication, resolution by header, membership, and a list of 20
// projects on SQLite.
func BenchmarkRequestPath(b *testing.B) {
	s, _, owner := benchEnv(b)
	h := s.Handler()
	req := benchRequest(owner)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkRequestPathParallel is BenchmarkRequestPath from GOMAXPROCS
// goroutines at once, as a loaded server runs it: it shows contention in
// the caches, the limiter and the SQLite reader pool.
func BenchmarkRequestPathParallel(b *testing.B) {
	s, _, owner := benchEnv(b)
	h := s.Handler()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := benchRequest(owner)
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
}

// BenchmarkMiddlewareOverhead runs the project list handler bare (tenant
// and identity already in the context) and behind the full chain
// (request id, recovery, log, metrics, CORS, authentication, resolution,
// membership, rate limit, in-flight cap), alternating the two request by
// request so that both see the same machine, and reports each one's time
// and the chain's overhead in percent.
func BenchmarkMiddlewareOverhead(b *testing.B) {
	s, t, owner := benchEnv(b)
	h := s.Handler()
	// Both requests carry a cancelable context, as net/http gives every
	// request: the SQLite driver watches such a context during each query,
	// which a context.Background request would not pay.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	chainReq := benchRequest(owner).WithContext(ctx)
	bareReq := benchRequest(owner)
	bareReq = bareReq.WithContext(tenantry.NewContextWithIdentity(s.withTenant(ctx, t),
		tenantry.Identity{UserID: owner.UserID, TenantID: t.ID, Role: tenantry.RoleOwner}))
	var bare, chain time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		rec := httptest.NewRecorder()
		if err := s.handleProjectList(rec, bareReq); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, chainReq)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
		bare += mid.Sub(start)
		chain += time.Since(mid)
	}
	b.ReportMetric(float64(bare.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(chain.Nanoseconds())/float64(b.N), "chain-ns/op")
	b.ReportMetric(100*(float64(chain)/float64(bare)-1), "overhead-%")
}

// BenchmarkRateLimited measures the answer to a tenant over its rate: the
// work a noisy tenant's rejected requests cost the server.
func BenchmarkRateLimited(b *testing.B) {
	e := newSQLiteEnv(b)
	f := e.newFixture(b, "noisy", "enterprise")
	plans := tenantry.DefaultPlans()
	plans["enterprise"].Limits[tenantry.LimitRequestsPerSecond] = 1
	s := NewServer(Config{Store: e.Store, Auth: e.Auth, Plans: plans,
		Limiter: inmem.NewRateLimiter(inmem.RateLimiterOptions{})})
	b.Cleanup(func() { s.Close() })
	h := s.Handler()
	req := benchRequest(f.Owner)
	req.Header.Set(HeaderTenant, "noisy")
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusTooManyRequests && rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkChainOnly runs the whole chain in front of a handler that does
// nothing: the chain's own cost per request.
func BenchmarkChainOnly(b *testing.B) {
	s, _, owner := benchEnv(b)
	s.mux.Handle("GET /api/bench-noop", s.tenantRoute(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := httptest.NewRequest("GET", "/api/bench-noop", nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+owner.Token)
	req.Header.Set(HeaderTenant, "bench")
	h := s.Handler()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
