package postgres_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestAPIKeys(t *testing.T) {
	db, _ := open(t)
	_, a := fixture(t, db, "acme", "pro")
	_, b := fixture(t, db, "bolt", "pro")
	ctx := context.Background()
	k := &tenantry.APIKey{Name: "ci", Role: tenantry.RoleAdmin, Hash: "hash-a"}
	if err := db.Tenant(a.ID).CreateAPIKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	_, err := db.Tenant(b.ID).APIKeyByHash(ctx, "hash-a")
	wantCode(t, err, tenantry.EUNAUTHENTICATED)
	if got, err := db.Tenant(a.ID).APIKeyByHash(ctx, "hash-a"); err != nil || got.ID != k.ID {
		t.Fatalf("APIKeyByHash: got %v, %v", got, err)
	}
	wantCode(t, db.Tenant(b.ID).RevokeAPIKey(ctx, k.ID), tenantry.ENOTFOUND)
	if err := db.Tenant(a.ID).RevokeAPIKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.Tenant(a.ID).APIKeyByHash(ctx, "hash-a")
	wantCode(t, err, tenantry.EUNAUTHENTICATED)
}
