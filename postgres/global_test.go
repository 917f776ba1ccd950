package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func TestUsersAndRefreshTokens(t *testing.T) {
	db, _ := open(t)
	u, a := fixture(t, db, "acme", "free")
	ctx := context.Background()
	_, err := db.CreateUser(ctx, tenantry.UserCreate{Email: "ACME@example.com", Name: "x", PasswordHash: "h"})
	wantCode(t, err, tenantry.ECONFLICT)
	got, err := db.UserByEmail(ctx, "acme@example.com")
	if err != nil || got.DefaultTenantID != a.ID {
		t.Fatalf("UserByEmail: got %+v, %v; want default tenant %s", got, err, a.ID)
	}
	wantCode(t, db.SetDefaultTenant(ctx, u.ID, tenantry.NewID()), tenantry.ENOTAMEMBER)
	rt := &tenantry.RefreshToken{UserID: u.ID, Hash: "h1", ExpiresAt: time.Now().Add(time.Hour)}
	if err := db.CreateRefreshToken(ctx, rt); err != nil {
		t.Fatal(err)
	}
	next := &tenantry.RefreshToken{Hash: "h2", ExpiresAt: time.Now().Add(time.Hour)}
	if _, err := db.RotateRefreshToken(ctx, "h1", next); err != nil {
		t.Fatal(err)
	}
	_, err = db.RotateRefreshToken(ctx, "h1", &tenantry.RefreshToken{Hash: "h3", ExpiresAt: time.Now().Add(time.Hour)})
	wantCode(t, err, tenantry.EUNAUTHENTICATED)
	// Reuse revoked the family: h2 no longer rotates.
	_, err = db.RotateRefreshToken(ctx, "h2", &tenantry.RefreshToken{Hash: "h4", ExpiresAt: time.Now().Add(time.Hour)})
	wantCode(t, err, tenantry.EUNAUTHENTICATED)
	_, err = db.RevokeRefreshToken(ctx, "nope")
	wantCode(t, err, tenantry.ENOTFOUND)
}
