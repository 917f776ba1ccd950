package tenantry_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
)

// newResolver returns a Resolver over a real SQLite store holding acme
// (custom domain acme.example.org) and beta, with base domains localhost
// and tenantry.test, and the two tenants' ids by slug.
func newResolver(t testing.TB) (tenantry.Resolver, map[string]string) {
	t.Helper()
	ctx := context.Background()
	db := openStore(t)
	ids := map[string]string{}
	for _, c := range []tenantry.TenantCreate{
		{Name: "Acme", Slug: "acme", Domain: "acme.example.org", Plan: "free"},
		{Name: "Beta", Slug: "beta", Plan: "free"},
	} {
		tn, err := db.Platform().CreateTenant(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		ids[tn.Slug] = tn.ID
	}
	return tenantry.Resolver{Directory: db, BaseDomains: []string{"localhost", "tenantry.test"}}, ids
}

func TestResolverAddress(t *testing.T) {
	rs, ids := newResolver(t)
	tests := []struct {
		host, path string
		want       string // the slug found, "" for none
		code       string // the error code, "" for none
	}{
		{"localhost", "/", "", ""},
		{"localhost:8080", "/projects", "", ""},
		{"127.0.0.1:80", "/", "", ""},
		{"[::1]:80", "/", "", ""},
		{"www.localhost", "/", "", ""},
		{"api.tenantry.test", "/", "", ""},
		{"example.org", "/", "", ""},
		{"acme.localhost", "/", "acme", ""},
		{"ACME.Localhost.:8080", "/", "acme", ""},
		{"beta.tenantry.test", "/x", "beta", ""},
		{"acme.example.org", "/", "acme", ""},
		{"localhost", "/t/beta/projects", "beta", ""},
		{"localhost", "/t/BETA", "beta", ""},
		{"localhost", "/t/" + ids["acme"] + "/", "acme", ""},
		{"acme.localhost", "/t/acme/", "acme", ""},
		{"acme.example.org", "/t/acme/x", "acme", ""},
		{"nope.localhost", "/", "", tenantry.ETENANTNOTFOUND},
		{"x.acme.localhost", "/", "", tenantry.ETENANTNOTFOUND},
		{"localhost", "/t/nope/", "", tenantry.ETENANTNOTFOUND},
		{"localhost", "/t/a/", "", tenantry.ETENANTNOTFOUND},
		{"localhost", "/t/www/", "", tenantry.ETENANTNOTFOUND},
		{"acme.localhost", "/t/beta/", "", tenantry.ETENANTCONFLICT},
		{"acme.example.org", "/t/beta/", "", tenantry.ETENANTCONFLICT},
		{"localhost", "/t//beta", "", ""},
	}
	for _, tt := range tests {
		got, err := rs.Address(context.Background(), tt.host, tt.path)
		slug := ""
		if got != nil {
			slug = got.Slug
		}
		if slug != tt.want || tenantry.ErrorCode(err) != tt.code {
			t.Errorf("Address(%q, %q): got %q, %v; want %q, code %q", tt.host, tt.path, slug, err, tt.want, tt.code)
		}
	}
}

// TestResolverNotFoundSaysOneThing checks that every address naming no
// tenant gets the same message, whether it could not be a tenant's or is
// not one, so the answer tells nothing of the directory.
func TestResolverNotFoundSaysOneThing(t *testing.T) {
	rs, _ := newResolver(t)
	ctx := context.Background()
	for _, ref := range []string{"nope", "a", "-x-", "www", "00000000-0000-4000-8000-000000000000", " ", "acme!"} {
		_, err := rs.Ref(ctx, ref)
		if got, want := err, tenantry.ErrNoTenant(); got == nil || got.Error() != want.Error() {
			t.Errorf("Ref(%q): got %v, want %v", ref, got, want)
		}
	}
}

func TestTenantMatch(t *testing.T) {
	a, b := &tenantry.Tenant{ID: "a"}, &tenantry.Tenant{ID: "b"}
	var m tenantry.TenantMatch
	for _, step := range []struct {
		t    *tenantry.Tenant
		code string
	}{{nil, ""}, {a, ""}, {nil, ""}, {a, ""}, {b, tenantry.ETENANTCONFLICT}} {
		if got := tenantry.ErrorCode(m.Add(step.t, nil)); got != step.code {
			t.Fatalf("Add(%v): got code %q, want %q", step.t, got, step.code)
		}
	}
	if got := m.Tenant(); got != a {
		t.Fatalf("Tenant: got %v, want a", got)
	}
}

func TestSplitTenantPath(t *testing.T) {
	tests := []struct {
		in         string
		slug, rest string
		ok         bool
	}{
		{"/t/acme/projects", "acme", "/projects", true},
		{"/t/acme", "acme", "/", true},
		{"/t/acme/", "acme", "/", true},
		{"/t/acme/api/projects", "acme", "/api/projects", true},
		{"/t//x", "", "", false},
		{"/t/", "", "", false},
		{"/projects", "", "", false},
		{"/tx/acme/", "", "", false},
	}
	for _, tt := range tests {
		slug, rest, ok := tenantry.SplitTenantPath(tt.in)
		if slug != tt.slug || rest != tt.rest || ok != tt.ok {
			t.Errorf("SplitTenantPath(%q): got %q %q %v, want %q %q %v", tt.in, slug, rest, ok, tt.slug, tt.rest, tt.ok)
		}
	}
}

// FuzzResolverAddress checks that any host and path resolve to at most one
// registered tenant or a client error, and never panic.
func FuzzResolverAddress(f *testing.F) {
	rs, ids := newResolver(f)
	for _, s := range [][2]string{{"acme.localhost:8080", "/t/acme/"}, {"ACME.EXAMPLE.ORG.", "/"}, {"[::1", "/t/"},
		{"a..b", "/t/\x00/"}, {"www.tenantry.test", "/t/beta"}, {"x.y.localhost", "/t/" + ids["beta"] + "/x"}} {
		f.Add(s[0], s[1])
	}
	registered := map[string]bool{ids["acme"]: true, ids["beta"]: true}
	f.Fuzz(func(t *testing.T, host, path string) {
		got, err := rs.Address(context.Background(), host, path)
		switch {
		case err != nil && got != nil:
			t.Fatalf("tenant %v with error %v", got, err)
		case err != nil && tenantry.Status(tenantry.ErrorCode(err)) >= 500:
			t.Fatalf("server error %v", err)
		case got != nil && !registered[got.ID]:
			t.Fatalf("resolved %q, not a registered tenant", got.ID)
		}
	})
}
