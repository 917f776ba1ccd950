package core_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// TestRefreshTokens checks the refresh rules' side effects: a rotation
// fills in the successor's ids, an expired token is refused without
// revoking its family, and a sign-out (RevokeRefreshToken) tells
// SessionRevoked of the family after it commits.
func TestRefreshTokens(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	u := newUser(t, db, "rt@core.test")
	told := recordInvalidations(t, db)
	now := tenantry.Now()
	live := &tenantry.RefreshToken{UserID: u.ID, Hash: "live", ExpiresAt: now.Add(time.Hour)}
	expired := &tenantry.RefreshToken{UserID: u.ID, Hash: "expired", ExpiresAt: now.Add(-time.Second)}
	for _, rt := range []*tenantry.RefreshToken{live, expired} {
		if err := db.CreateRefreshToken(ctx, rt); err != nil {
			t.Fatal(err)
		}
		if rt.ID == "" || rt.FamilyID == "" || rt.CreatedAt.IsZero() {
			t.Errorf("CreateRefreshToken: got %+v, want its ids and time filled in", rt)
		}
	}
	next := &tenantry.RefreshToken{Hash: "next", ExpiresAt: now.Add(time.Hour)}
	old, err := db.RotateRefreshToken(ctx, "live", next)
	if err != nil {
		t.Fatal(err)
	}
	if old.ID != live.ID || old.RevokedAt == nil || next.ID == "" || next.ID == live.ID || next.FamilyID != live.FamilyID {
		t.Errorf("RotateRefreshToken: got old %+v next %+v, want old revoked and next a new token of family %s", old, next, live.FamilyID)
	}
	_, err = db.RotateRefreshToken(ctx, "expired", &tenantry.RefreshToken{Hash: "x", ExpiresAt: now.Add(time.Hour)})
	if got := tenantry.ErrorCode(err); got != tenantry.EUNAUTHENTICATED {
		t.Errorf("RotateRefreshToken(expired): got %v, want unauthenticated", err)
	}
	if got := told(); len(got) != 0 {
		t.Errorf("told after a rotation and an expired token: got %+v, want nothing", got)
	}
	rt, err := db.RevokeRefreshToken(ctx, "next")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		id   string
		want bool
	}{{"rotated family after sign-out", live.FamilyID, false}, {"expired token's family", expired.FamilyID, true}} {
		if got, err := db.RefreshFamilyLive(ctx, f.id); err != nil || got != f.want {
			t.Errorf("RefreshFamilyLive(%s): got %v, %v; want %v", f.name, got, err, f.want)
		}
	}
	if got, want := told(), []tenantry.Invalidation{tenantry.SessionRevoked(rt)}; !slices.Equal(got, want) {
		t.Errorf("told after the sign-out: got %+v, want %+v", got, want)
	}
}
