package core_test

import (
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// TestGlobalWriteRollsBack checks that a global write is all or nothing:
// a rotation whose successor cannot be stored (its hash exists) rolls back
// the revocation of the old token, which stays usable.
func TestGlobalWriteRollsBack(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	u := newUser(t, db, "tx@core.test")
	in := time.Now().Add(time.Hour)
	for _, h := range []string{"old", "taken"} {
		if err := db.CreateRefreshToken(ctx, &tenantry.RefreshToken{UserID: u.ID, Hash: h, ExpiresAt: in}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.RotateRefreshToken(ctx, "old", &tenantry.RefreshToken{Hash: "taken", ExpiresAt: in})
	if got, want := tenantry.ErrorMessage(err), "This refresh token already exists."; got != want {
		t.Fatalf("RotateRefreshToken onto a taken hash: got %q (%v), want %q", got, err, want)
	}
	if _, err := db.RotateRefreshToken(ctx, "old", &tenantry.RefreshToken{Hash: "fresh", ExpiresAt: in}); err != nil {
		t.Errorf("RotateRefreshToken after the rollback: got %v, want the old token still live", err)
	}
}
