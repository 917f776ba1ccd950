package core_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// TestResetPassword checks that a reset uses up the user's other pending
// resets, leaves other users' alone and tells UserChanged, whose receivers
// drop the user's access tokens.
func TestResetPassword(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	u := newUser(t, db, "reset@core.test")
	other := newUser(t, db, "other@core.test")
	told := recordInvalidations(t, db)
	in := time.Now().Add(time.Hour)
	for _, pr := range []*tenantry.PasswordReset{
		{UserID: u.ID, TokenHash: "first", ExpiresAt: in},
		{UserID: u.ID, TokenHash: "second", ExpiresAt: in},
		{UserID: other.ID, TokenHash: "theirs", ExpiresAt: in},
	} {
		if err := db.CreatePasswordReset(ctx, pr); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.ResetPassword(ctx, "first", "new-hash")
	if err != nil || got.ID != u.ID || got.PasswordHash != "new-hash" {
		t.Fatalf("ResetPassword: got %+v, %v; want user %s with the new hash", got, err, u.ID)
	}
	tests := []struct {
		hash string
		code string
	}{
		{"first", tenantry.EUNAUTHENTICATED},
		{"second", tenantry.EUNAUTHENTICATED}, // used up with the first
		{"theirs", ""},
	}
	for _, tt := range tests {
		_, err := db.ResetPassword(ctx, tt.hash, "again")
		if got := tenantry.ErrorCode(err); got != tt.code {
			t.Errorf("ResetPassword(%s) after the first: got %q (%v), want %q", tt.hash, got, err, tt.code)
		}
	}
	if got, want := told(), []tenantry.Invalidation{tenantry.UserChanged(u.ID), tenantry.UserChanged(other.ID)}; !slices.Equal(got, want) {
		t.Errorf("told: got %+v, want %+v", got, want)
	}
}
