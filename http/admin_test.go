package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestAdminTenants(t *testing.T) {
	e := newSQLiteEnv(t)
	adm := e.admin(t)
	owner := e.signup(t, e.email("own"))
	var created adminTenant
	e.must(t, adm, "POST", "/api/admin/tenants", map[string]any{"name": "Gamma", "slug": "gamma", "plan": "pro", "owner_email": owner.Email}, 201, &created)
	if created.Token != "" || created.Plan != "pro" || created.Status != tenantry.TenantActive {
		t.Fatalf("created: %+v", created)
	}
	var invited struct {
		tenantry.Tenant
		Token string `json:"token"`
	}
	e.must(t, adm, "POST", "/api/admin/tenants", map[string]any{"name": "Delta", "slug": "delta", "owner_email": "new-owner@example.com"}, 201, &invited)
	if !strings.HasPrefix(invited.Token, "inv_") {
		t.Fatalf("owner invitation token: %q", invited.Token)
	}
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"taken slug", "POST", "/api/admin/tenants", map[string]any{"name": "G2", "slug": "gamma"}, 409, tenantry.ECONFLICT},
		{"reserved slug", "POST", "/api/admin/tenants", map[string]any{"name": "W", "slug": "www"}, 422, tenantry.EINVALID},
		{"get by slug", "GET", "/api/admin/tenants/gamma", nil, 200, ""},
		{"get by id", "GET", "/api/admin/tenants/" + created.ID, nil, 200, ""},
		{"get unknown", "GET", "/api/admin/tenants/nope", nil, 404, tenantry.ETENANTNOTFOUND},
		{"patch", "PATCH", "/api/admin/tenants/gamma", map[string]any{"name": "Gamma 2", "settings": map[string]any{"welcome": "hi"}}, 200, ""},
		{"patch bad plan", "PATCH", "/api/admin/tenants/gamma", map[string]any{"plan": "gold"}, 422, tenantry.EINVALID},
		{"list bad status", "GET", "/api/admin/tenants?status=odd", nil, 400, tenantry.EBADREQUEST},
		{"list", "GET", "/api/admin/tenants?plan=pro&q=gam", nil, 200, ""},
		{"audit", "GET", "/api/admin/audit?tenant_id=gamma", nil, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, adm, tt.method, tt.path, tt.body)
			if r.Status != tt.status || r.errCode() != tt.code {
				t.Fatalf("got %d %s, want %d %s", r.Status, r.Body, tt.status, tt.code)
			}
		})
	}
	var got adminTenant
	e.must(t, adm, "GET", "/api/admin/tenants/gamma", nil, 200, &got)
	if got.Usage == nil || got.Usage.Members != 1 || got.Name != "Gamma 2" || got.Settings["welcome"] != "hi" {
		t.Fatalf("tenant with usage: %+v %+v", got, got.Usage)
	}
	var list listResponse[*tenantry.Tenant]
	e.must(t, adm, "GET", "/api/admin/tenants?plan=pro", nil, 200, &list)
	if len(list.Items) != 1 || list.Items[0].Slug != "gamma" {
		t.Fatalf("list ?plan=pro: %+v", list.Items)
	}

	// Suspension blocks the tenant API at once, activation restores it.
	g := owner.in("gamma")
	e.must(t, g, "GET", "/api/projects", nil, 200, nil)
	e.must(t, adm, "POST", "/api/admin/tenants/gamma/suspend", nil, 200, nil)
	if r := e.do(t, g, "GET", "/api/projects", nil); r.Status != 403 || r.errCode() != tenantry.ETENANTSUSPENDED {
		t.Fatalf("suspended: got %d %s", r.Status, r.Body)
	}
	e.must(t, adm, "POST", "/api/admin/tenants/gamma/activate", nil, 200, nil)
	e.createProject(t, g, "p1")

	// Export, delete, import.
	r := e.must(t, adm, "GET", "/api/admin/tenants/gamma/export", nil, 200, nil)
	if ct := r.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Fatalf("export content type %q", ct)
	}
	e.must(t, adm, "DELETE", "/api/admin/tenants/gamma", nil, 204, nil)
	if r := e.do(t, g, "GET", "/api/projects", nil); r.Status != 404 || r.errCode() != tenantry.ETENANTNOTFOUND {
		t.Fatalf("deleted tenant: got %d %s", r.Status, r.Body)
	}
	e.must(t, adm, "POST", "/api/admin/tenants/import", rawBody{Data: string(r2s(r.Body)), ContentType: "application/x-ndjson"}, 201, nil)
	var ps listResponse[*tenantry.Project]
	e.must(t, g, "GET", "/api/projects", nil, http.StatusOK, &ps)
	if len(ps.Items) != 1 || ps.Items[0].Name != "p1" {
		t.Fatalf("projects after import: %+v", ps.Items)
	}
}

func r2s(b []byte) string { return string(b) }
