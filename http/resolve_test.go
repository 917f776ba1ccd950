package http

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tenantry/tenantry"
)

// resolveEnv is a server over SQLite with tenants acme (domain
// acme.example.org), beta, a suspended one and an archived one, and a user
// who is a member of acme only.
type resolveEnv struct {
	*testEnv
	srv        *Server
	acme, beta *tenantry.Tenant
	user       caller
}

func newResolveEnv(tb testing.TB) *resolveEnv {
	tb.Helper()
	e := newSQLiteEnv(tb)
	re := &resolveEnv{testEnv: e}
	re.user = e.signup(tb, e.email("res"))
	re.acme = e.createTenant(tb, map[string]any{"name": "Acme", "slug": "acme", "domain": "acme.example.org", "owner_email": re.user.Email})
	re.beta = e.createTenant(tb, map[string]any{"name": "Beta", "slug": "beta"})
	sus := e.createTenant(tb, map[string]any{"name": "Sus", "slug": "sus", "owner_email": re.user.Email})
	arc := e.createTenant(tb, map[string]any{"name": "Arc", "slug": "arc", "owner_email": re.user.Email})
	adm := e.admin(tb)
	e.must(tb, adm, "POST", "/api/admin/tenants/"+sus.ID+"/suspend", nil, http.StatusOK, nil)
	e.must(tb, adm, "POST", "/api/admin/tenants/arc/archive", nil, http.StatusOK, nil)
	_ = arc
	e.must(tb, re.user, "PUT", "/api/auth/me/default-tenant", map[string]any{"tenant": "acme"}, http.StatusOK, nil)
	r := e.do(tb, re.user, "PUT", "/api/auth/me/default-tenant", map[string]any{"tenant": "beta"})
	if r.Status != http.StatusForbidden || r.errCode() != tenantry.ENOTAMEMBER {
		tb.Fatalf("default-tenant to a non-member tenant: got %d %s, want 403 not_a_member", r.Status, r.Body)
	}
	re.srv = NewServer(Config{Store: e.Store, Auth: e.Auth, BaseDomains: []string{"localhost", "tenantry.test"}})
	tb.Cleanup(func() { re.srv.Close() })
	return re
}

// call sends a request straight to the handler with host, header and path.
func (re *resolveEnv) call(token, host, tenantHeader, path string) (int, string, http.Header) {
	req := httptest.NewRequest("GET", path, nil)
	req.Host = host
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if tenantHeader != "" {
		req.Header.Set(HeaderTenant, tenantHeader)
	}
	rec := httptest.NewRecorder()
	re.srv.Handler().ServeHTTP(rec, req)
	return rec.Code, resp{Body: rec.Body.Bytes()}.errCode(), rec.Header()
}

func TestResolveTenant(t *testing.T) {
	re := newResolveEnv(t)
	tok := re.user.Token
	tests := []struct {
		name, host, header, path string
		status                   int
		code                     string
	}{
		{"header slug", "127.0.0.1", "acme", "/api/tenant", 200, ""},
		{"header id", "127.0.0.1", re.acme.ID, "/api/tenant", 200, ""},
		{"header upper-case slug", "127.0.0.1", "ACME", "/api/tenant", 200, ""},
		{"subdomain", "acme.localhost:8080", "", "/api/tenant", 200, ""},
		{"subdomain case and dot", "ACME.Localhost.:8080", "", "/api/tenant", 200, ""},
		{"second base domain", "acme.tenantry.test", "", "/api/tenant", 200, ""},
		{"custom domain", "acme.example.org", "", "/api/tenant", 200, ""},
		{"path prefix", "localhost", "", "/t/acme/api/tenant", 200, ""},
		{"default tenant", "localhost", "", "/api/tenant", 200, ""},
		{"agreeing sources", "acme.localhost", "acme", "/t/acme/api/tenant", 200, ""},
		{"header vs host", "beta.localhost", "acme", "/api/tenant", 400, tenantry.ETENANTCONFLICT},
		{"host vs path", "acme.localhost", "", "/t/beta/api/tenant", 400, tenantry.ETENANTCONFLICT},
		{"unknown header", "localhost", "nope", "/api/tenant", 404, tenantry.ETENANTNOTFOUND},
		{"unknown subdomain", "nope.localhost", "", "/api/tenant", 404, tenantry.ETENANTNOTFOUND},
		{"unknown path", "localhost", "", "/t/nope/api/tenant", 404, tenantry.ETENANTNOTFOUND},
		{"reserved www uses default", "www.localhost", "", "/api/tenant", 200, ""},
		{"not a member", "localhost", "beta", "/api/tenant", 403, tenantry.ENOTAMEMBER},
		{"suspended", "localhost", "sus", "/api/tenant", 403, tenantry.ETENANTSUSPENDED},
		{"archived", "localhost", "arc", "/api/tenant", 403, tenantry.ETENANTARCHIVED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code, h := re.call(tok, tt.host, tt.header, tt.path)
			if status != tt.status || code != tt.code {
				t.Fatalf("got %d %q, want %d %q", status, code, tt.status, tt.code)
			}
			if h.Get(HeaderRequestID) == "" {
				t.Fatalf("no X-Request-ID")
			}
		})
	}
}

func TestResolveTenantRequired(t *testing.T) {
	e := newSQLiteEnv(t)
	u := e.signup(t, e.email("none"))
	r := e.do(t, u, "GET", "/api/projects", nil)
	if r.Status != 400 || r.errCode() != tenantry.ETENANTREQUIRED {
		t.Fatalf("got %d %s, want 400 tenant_required", r.Status, r.Body)
	}
	r = e.do(t, caller{}, "GET", "/api/projects", nil)
	if r.Status != 401 || r.errCode() != tenantry.EUNAUTHENTICATED {
		t.Fatalf("got %d %s, want 401 unauthenticated", r.Status, r.Body)
	}
}

func TestResolveAPIKeyConflict(t *testing.T) {
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "keyco", "free")
	g := e.newFixture(t, "other", "free")
	_ = g
	key := e.apiKey(t, f.Owner, tenantry.RoleMember)
	e.must(t, key, "GET", "/api/projects", nil, 200, nil)
	e.must(t, key.in("keyco"), "GET", "/api/projects", nil, 200, nil)
	r := e.do(t, key.in("other"), "GET", "/api/projects", nil)
	if r.Status != 400 || r.errCode() != tenantry.ETENANTCONFLICT {
		t.Fatalf("got %d %s, want 400 tenant_conflict", r.Status, r.Body)
	}
}

func TestMembershipInvalidated(t *testing.T) {
	e := newSQLiteEnv(t, func(c *Config) { c.CacheTTL = 1 << 40 })
	f := e.newFixture(t, "inval", "free")
	e.must(t, f.Member, "GET", "/api/projects", nil, 200, nil)
	e.must(t, f.Owner, "DELETE", "/api/members/"+f.Member.UserID, nil, 204, nil)
	r := e.do(t, f.Member, "GET", "/api/projects", nil)
	if r.Status != 403 || r.errCode() != tenantry.ENOTAMEMBER {
		t.Fatalf("got %d %s, want 403 not_a_member after removal", r.Status, r.Body)
	}
}

func TestTenantOfHost(t *testing.T) {
	re := newResolveEnv(t)
	ctx := context.Background()
	tests := []struct {
		host string
		want string
	}{
		{"localhost", ""}, {"localhost:8080", ""}, {"127.0.0.1:80", ""}, {"[::1]:80", ""},
		{"api.localhost", ""}, {"admin.localhost", ""}, {"app.localhost", ""}, {"www.localhost", ""},
		{"acme.localhost", "acme"}, {"x.acme.localhost", ""}, {"acme.example.org", "acme"}, {"example.org", ""},
		{"bad host!", ""}, {"", ""},
	}
	for _, tt := range tests {
		got, err := re.srv.resolver.Host(ctx, tt.host)
		slug := ""
		if got != nil {
			slug = got.Slug
		}
		if tt.host == "x.acme.localhost" {
			if !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
				t.Errorf("tenantOfHost(%q): got %v, want tenant_not_found (first label x)", tt.host, err)
			}
			continue
		}
		if err != nil || slug != tt.want {
			t.Errorf("tenantOfHost(%q) = %q, %v; want %q", tt.host, slug, err, tt.want)
		}
	}
}
