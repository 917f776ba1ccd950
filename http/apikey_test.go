package http

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "pro")
	type keyBody struct {
		tenantry.APIKey
		Key string `json:"key"`
	}
	var adminKey, ownerKey keyBody
	e.must(t, f.Admin, "POST", "/api/api-keys", map[string]any{"name": "ci", "role": "admin"}, 201, &adminKey)
	if !strings.HasPrefix(adminKey.Key, "tnt_") || adminKey.ID == "" || adminKey.Role != tenantry.RoleAdmin || adminKey.TenantID != f.Tenant.ID {
		t.Fatalf("got %+v, want an admin key with its secret", adminKey)
	}
	e.must(t, f.Owner, "POST", "/api/api-keys", map[string]any{"name": "root", "role": "owner"}, 201, &ownerKey)
	asAdminKey := caller{Token: adminKey.Key}
	memberKey := e.apiKey(t, f.Owner, tenantry.RoleMember)

	e.run(t, []apiCase{
		{name: "create by member", as: f.Member, method: "POST", path: "/api/api-keys", body: map[string]any{"name": "x", "role": "member"}, want: 403, code: "forbidden"},
		{name: "admin creates owner key", as: f.Admin, method: "POST", path: "/api/api-keys", body: map[string]any{"name": "x", "role": "owner"}, want: 403, code: "forbidden"},
		{name: "create no name", as: f.Admin, method: "POST", path: "/api/api-keys", body: map[string]any{"role": "member"}, want: 422, code: "validation_failed", field: "name"},
		{name: "create bad role", as: f.Admin, method: "POST", path: "/api/api-keys", body: map[string]any{"name": "x", "role": "root"}, want: 422, code: "validation_failed", field: "role"},
		{name: "admin key works without tenant header", as: asAdminKey, method: "GET", path: "/api/projects", want: 200},
		{name: "admin key creates member key", as: asAdminKey, method: "POST", path: "/api/api-keys", body: map[string]any{"name": "y", "role": "member"}, want: 201},
		{name: "admin key cannot create owner key", as: asAdminKey, method: "POST", path: "/api/api-keys", body: map[string]any{"name": "y", "role": "owner"}, want: 403, code: "forbidden"},
		{name: "member key cannot create keys", as: memberKey, method: "POST", path: "/api/api-keys", body: map[string]any{"name": "z", "role": "member"}, want: 403, code: "forbidden"},
		{name: "member key reads", as: memberKey, method: "GET", path: "/api/tenant", want: 200, check: func(t *testing.T, r resp) {
			var got struct {
				Role tenantry.Role `json:"role"`
			}
			r.decode(t, &got)
			if got.Role != tenantry.RoleMember {
				t.Errorf("got role %q, want member", got.Role)
			}
		}},
		{name: "list by member", as: f.Member, method: "GET", path: "/api/api-keys", want: 403, code: "forbidden"},
		{name: "list never shows secrets", as: f.Admin, method: "GET", path: "/api/api-keys", want: 200, check: func(t *testing.T, r resp) {
			items, _ := listOf[map[string]any](t, r)
			if len(items) != 4 {
				t.Errorf("got %d keys, want 4", len(items))
			}
			for _, it := range items {
				if _, ok := it["key"]; ok {
					t.Errorf("got a secret in the list: %v", it)
				}
			}
			if strings.Contains(string(r.Body), adminKey.Key) {
				t.Error("list contains a secret")
			}
		}},
		{name: "admin cannot revoke owner key", as: f.Admin, method: "DELETE", path: "/api/api-keys/" + ownerKey.ID, want: 403, code: "forbidden"},
		{name: "revoke by member", as: f.Member, method: "DELETE", path: "/api/api-keys/" + adminKey.ID, want: 403, code: "forbidden"},
		{name: "revoke unknown", as: f.Admin, method: "DELETE", path: "/api/api-keys/" + tenantry.NewID(), want: 404, code: "not_found"},
		{name: "revoke", as: f.Admin, method: "DELETE", path: "/api/api-keys/" + adminKey.ID, want: 204},
		{name: "revoked key is refused", as: asAdminKey, method: "GET", path: "/api/projects", want: 401, code: "unauthenticated"},
		{name: "revoked key listed as revoked", as: f.Owner, method: "GET", path: "/api/api-keys", want: 200, check: func(t *testing.T, r resp) {
			items, _ := listOf[tenantry.APIKey](t, r)
			for _, k := range items {
				if k.ID == adminKey.ID && k.RevokedAt == nil {
					t.Errorf("got key %s not revoked", k.ID)
				}
			}
		}},
	})
}
