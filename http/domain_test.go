package http

import (
	"net/http"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestAdminDomainUnderBase checks that a custom domain that is a base
// domain or under one (it would shadow another tenant's subdomain) is
// refused on create and update, on both backends.
func TestAdminDomainUnderBase(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			e := newTestEnv(t, b.open(t), func(c *Config) { c.BaseDomains = []string{"localhost", "tenantry.test"} })
			adm := e.admin(t)
			acme := e.createTenant(t, map[string]any{"name": "Acme", "slug": "acme"})
			globex := e.createTenant(t, map[string]any{"name": "Globex", "slug": "globex", "domain": "shop.globex.com"})
			bad := http.StatusUnprocessableEntity
			e.run(t, []apiCase{
				{name: "create under localhost", as: adm, method: "POST", path: "/api/admin/tenants", body: map[string]any{"name": "G2", "slug": "g2", "domain": "acme.localhost"}, want: bad, code: tenantry.EINVALID, field: "domain"},
				{name: "create a base", as: adm, method: "POST", path: "/api/admin/tenants", body: map[string]any{"name": "G3", "slug": "g3", "domain": "Tenantry.Test."}, want: bad, code: tenantry.EINVALID, field: "domain"},
				{name: "create deep under a base", as: adm, method: "POST", path: "/api/admin/tenants", body: map[string]any{"name": "G4", "slug": "g4", "domain": "x.acme.tenantry.test"}, want: bad, code: tenantry.EINVALID, field: "domain"},
				{name: "update under a base", as: adm, method: "PATCH", path: "/api/admin/tenants/" + globex.ID, body: map[string]any{"domain": "acme.localhost"}, want: bad, code: tenantry.EINVALID, field: "domain"},
				{name: "update elsewhere", as: adm, method: "PATCH", path: "/api/admin/tenants/" + globex.ID, body: map[string]any{"domain": "acme.localhost.example.com"}, want: http.StatusOK},
			})
			var got tenantry.Tenant
			e.must(t, adm, "GET", "/api/admin/tenants/"+acme.ID, nil, http.StatusOK, &got)
			if got.Domain != "" {
				t.Errorf("acme's domain: got %q, want none", got.Domain)
			}
		})
	}
}
