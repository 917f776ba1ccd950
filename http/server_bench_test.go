package http

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tenantry/tenantry"
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
	s := NewServer(Config{Store: e.Store, Auth: e.Auth})
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

// BenchmarkMiddlewareOverhead runs the project list handler bare (tenant
// and identity already in the context) and behind the full chain
// (request id, recovery, log, metrics, CORS, authentication, resolution,
// membership, in-flight cap); the difference is the chain's cost.
func BenchmarkMiddlewareOverhead(b *testing.B) {
	s, t, owner := benchEnv(b)
	b.Run("bare", func(b *testing.B) {
		req := benchRequest(owner)
		ctx := tenantry.NewContextWithIdentity(withTenant(req.Context(), t),
			tenantry.Identity{UserID: owner.UserID, TenantID: t.ID, Role: tenantry.RoleOwner})
		req = req.WithContext(ctx)
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			if err := s.handleProjectList(rec, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("chain", func(b *testing.B) {
		h := s.Handler()
		req := benchRequest(owner)
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
