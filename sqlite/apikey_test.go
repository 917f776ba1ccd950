package sqlite

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestAPIKeys(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	_, h := mustTenant(t, db, "acme", "pro", "")
	_, other := mustTenant(t, db, "other", "pro", "")
	creates := []struct {
		name string
		key  tenantry.APIKey
		want string
	}{
		{"ok", tenantry.APIKey{Name: " CI ", Role: tenantry.RoleMember, Prefix: "tnt_abc", Hash: "h1", CreatedBy: "u1"}, ""},
		{"admin", tenantry.APIKey{Name: "Deploy", Role: tenantry.RoleAdmin, Hash: "h2"}, ""},
		{"no name", tenantry.APIKey{Role: tenantry.RoleMember, Hash: "h3"}, tenantry.EINVALID},
		{"bad role", tenantry.APIKey{Name: "X", Role: "root", Hash: "h3"}, tenantry.EINVALID},
		{"no hash", tenantry.APIKey{Name: "X", Role: tenantry.RoleMember}, tenantry.EINVALID},
		{"duplicate hash", tenantry.APIKey{Name: "X", Role: tenantry.RoleMember, Hash: "h1"}, tenantry.ECONFLICT},
	}
	var keys []*tenantry.APIKey
	for _, tt := range creates {
		k := tt.key
		err := h.CreateAPIKey(ctx, &k)
		wantCode(t, tt.name, err, tt.want)
		if err == nil {
			if k.ID == "" || k.TenantID != h.ID() || k.CreatedAt.IsZero() {
				t.Errorf("%s: got %+v, want id, tenant and time filled in", tt.name, k)
			}
			keys = append(keys, &k)
		}
	}
	got, err := h.APIKeyByHash(ctx, "h1")
	if err != nil || got.ID != keys[0].ID || got.Name != "CI" || got.Prefix != "tnt_abc" || got.CreatedBy != "u1" {
		t.Errorf("APIKeyByHash: got %+v, %v, want %+v", got, err, keys[0])
	}
	_, err = other.APIKeyByHash(ctx, "h1")
	wantCode(t, "APIKeyByHash in another tenant", err, tenantry.EUNAUTHENTICATED)
	_, err = other.APIKey(ctx, keys[0].ID)
	wantCode(t, "APIKey in another tenant", err, tenantry.ENOTFOUND)
	wantCode(t, "RevokeAPIKey in another tenant", other.RevokeAPIKey(ctx, keys[0].ID), tenantry.ENOTFOUND)
	wantCode(t, "RevokeAPIKey", h.RevokeAPIKey(ctx, keys[0].ID), "")
	wantCode(t, "RevokeAPIKey(unknown)", h.RevokeAPIKey(ctx, tenantry.NewID()), tenantry.ENOTFOUND)
	_, err = h.APIKeyByHash(ctx, "h1")
	wantCode(t, "APIKeyByHash(revoked)", err, tenantry.EUNAUTHENTICATED)
	got, err = h.APIKey(ctx, keys[0].ID)
	if err != nil || got.RevokedAt == nil {
		t.Errorf("APIKey(revoked): got %+v, %v, want a revocation time", got, err)
	}
	list, next, err := h.APIKeys(ctx, tenantry.Page{Limit: 1})
	if err != nil || len(list) != 1 || list[0].ID != keys[0].ID || next == "" {
		t.Fatalf("APIKeys page 1: got %d, %q, %v", len(list), next, err)
	}
	list, next, err = h.APIKeys(ctx, tenantry.Page{Limit: 1, Cursor: next})
	if err != nil || len(list) != 1 || list[0].ID != keys[1].ID || next != "" {
		t.Errorf("APIKeys page 2: got %d, %q, %v", len(list), next, err)
	}
	for _, action := range []string{"api_key.create", "api_key.revoke"} {
		evs, _, _ := h.AuditEvents(ctx, tenantry.AuditFilter{Action: action})
		if len(evs) == 0 {
			t.Errorf("audit %s: got none", action)
		}
	}
}
