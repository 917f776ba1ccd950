package core_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

// TestAPIKeyStore runs the API key rules on a real SQLite store: the
// checks of a new key, lookups by id and by hash, and revocation, which
// keeps its first time and makes the hash unknown.
func TestAPIKeyStore(t *testing.T) {
	ctx := t.Context()
	tn, ts := newTenant(t, openStore(t), "keys", "")
	if err := ts.CreateAPIKey(ctx, &tenantry.APIKey{Name: "  ", Role: "king", ID: "x"}); !tenantry.IsCode(err, tenantry.EINVALID) {
		t.Errorf("CreateAPIKey(bad): got %v, want validation_failed", err)
	}
	key := &tenantry.APIKey{Name: " ci ", Role: tenantry.RoleMember, Prefix: "tnt_ab", Hash: "h1"}
	if err := ts.CreateAPIKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	if key.Name != "ci" || key.TenantID != tn.ID || key.CreatedAt.IsZero() {
		t.Errorf("CreateAPIKey: got %+v, want the trimmed name, the tenant and a creation time", key)
	}
	byHash, err := ts.APIKeyByHash(ctx, "h1")
	if err != nil || byHash.ID != key.ID || byHash.Role != tenantry.RoleMember || !byHash.CreatedAt.Equal(key.CreatedAt) {
		t.Errorf("APIKeyByHash: got %+v, %v; want %+v", byHash, err, key)
	}
	if err := ts.RevokeAPIKey(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	first, err := ts.APIKey(ctx, key.ID)
	if err != nil || first.RevokedAt == nil {
		t.Fatalf("APIKey after revocation: got %+v, %v; want a revocation time", first, err)
	}
	if err := ts.RevokeAPIKey(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	again, _ := ts.APIKey(ctx, key.ID)
	if again.RevokedAt == nil || !again.RevokedAt.Equal(*first.RevokedAt) {
		t.Errorf("revoked twice: got %v, want the first time %v", again.RevokedAt, first.RevokedAt)
	}
	tests := []struct {
		name string
		err  error
		code string
	}{
		{"APIKeyByHash(revoked)", func() error { _, err := ts.APIKeyByHash(ctx, "h1"); return err }(), tenantry.EUNAUTHENTICATED},
		{"APIKey(not an id)", func() error { _, err := ts.APIKey(ctx, "x"); return err }(), tenantry.ENOTFOUND},
		{"RevokeAPIKey(unknown)", ts.RevokeAPIKey(ctx, tenantry.NewID()), tenantry.ENOTFOUND},
	}
	for _, tt := range tests {
		if got := tenantry.ErrorCode(tt.err); got != tt.code {
			t.Errorf("%s: got %q (%v), want %q", tt.name, got, tt.err, tt.code)
		}
	}
	keys, next, err := ts.APIKeys(ctx, tenantry.Page{Limit: 1})
	if err != nil || len(keys) != 1 || next != "" {
		t.Errorf("APIKeys: got %d, %q, %v; want the one key and no next page", len(keys), next, err)
	}
}
