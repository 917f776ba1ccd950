package http

import (
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func TestTenantGet(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "pro")
	p := e.createProject(t, f.Owner, "Alpha")
	e.createTask(t, f.Owner, p.ID, "one", nil)
	e.must(t, e.admin(t), "PATCH", "/api/admin/tenants/"+f.Tenant.ID, map[string]any{"limits": map[string]any{"max_projects": 7}}, 200, nil)

	type body struct {
		Tenant   *tenantry.Tenant `json:"tenant"`
		Role     tenantry.Role    `json:"role"`
		Limits   tenantry.Limits  `json:"limits"`
		Features []string         `json:"features"`
		Usage    tenantry.Usage   `json:"usage"`
	}
	check := func(role tenantry.Role) func(t *testing.T, r resp) {
		return func(t *testing.T, r resp) {
			var got body
			r.decode(t, &got)
			if got.Tenant == nil || got.Tenant.ID != f.Tenant.ID || got.Tenant.Slug != "acme" {
				t.Fatalf("got tenant %+v, want acme", got.Tenant)
			}
			if got.Role != role {
				t.Errorf("got role %q, want %q", got.Role, role)
			}
			if got.Limits[tenantry.LimitMaxProjects] != 7 || got.Limits[tenantry.LimitMaxMembers] != 100 {
				t.Errorf("got limits %v, want max_projects 7 (override) and max_members 100 (pro)", got.Limits)
			}
			if !slices.Equal(got.Features, []string{"api", "export", "analytics"}) {
				t.Errorf("got features %v, want pro's", got.Features)
			}
			if got.Usage.Members != 3 || got.Usage.Projects != 1 || got.Usage.Tasks != 1 {
				t.Errorf("got usage %+v, want 3 members, 1 project, 1 task", got.Usage)
			}
		}
	}
	e.run(t, []apiCase{
		{name: "owner", as: f.Owner, method: "GET", path: "/api/tenant", want: 200, check: check(tenantry.RoleOwner)},
		{name: "member", as: f.Member, method: "GET", path: "/api/tenant", want: 200, check: check(tenantry.RoleMember)},
		{name: "by path prefix", as: caller{Token: f.Admin.Token}, method: "GET", path: "/t/acme/api/tenant", want: 200, check: check(tenantry.RoleAdmin)},
		{name: "unauthenticated", as: caller{Tenant: "acme"}, method: "GET", path: "/api/tenant", want: 401, code: "unauthenticated"},
		{name: "not a member", as: e.signup(t, e.email("x")).in("acme"), method: "GET", path: "/api/tenant", want: 403, code: "not_a_member"},
	})
}

// TestCloseWritesTheLastRequestCounts: the request counts of the last
// second are written when the server closes, before the store is.
func TestCloseWritesTheLastRequestCounts(t *testing.T) {
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "counted", "pro")
	s := NewServer(Config{Store: e.Store, Auth: e.Auth})
	// The environment's own server counts the fixture's requests and
	// writes them once a second: wait until its count stands still.
	usage := func() int64 {
		u, err := e.Store.Tenant(f.Tenant.ID).Usage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return u.RequestsToday
	}
	before := usage()
	for {
		time.Sleep(1200 * time.Millisecond)
		now := usage()
		if now == before {
			break
		}
		before = now
	}
	for range 3 {
		req := benchRequest(f.Owner)
		req.Header.Set(HeaderTenant, "counted")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("list: got %d %s", rec.Code, rec.Body)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := usage()-before, int64(3); got != want {
		t.Errorf("requests recorded by Close: got %d, want %d", got, want)
	}
}
