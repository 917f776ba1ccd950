package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// testAccountRules checks the account rules that the two backends once
// wrote differently, by their exact errors: an empty password hash and a
// refresh token without a hash are refused, a rotated token's successor
// belongs to the family's user whatever the caller put in it, and of
// concurrent uses of one refresh token or one reset only one succeeds.
func testAccountRules(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	u := newUser(t, ctx, s, "rules@example.com")
	other := newUser(t, ctx, s, "other-rules@example.com")
	now := tenantry.Now()
	rt := func(userID, hash string) *tenantry.RefreshToken {
		return &tenantry.RefreshToken{UserID: userID, Hash: hash, ExpiresAt: now.Add(time.Hour)}
	}
	fatalIf(t, "CreateRefreshToken", s.CreateRefreshToken(ctx, rt(u.ID, "rules-a")))
	_, dupEmail := s.CreateUser(ctx, tenantry.UserCreate{Email: " Rules@Example.com ", Name: "x", PasswordHash: passwordHash})
	_, unknownUser := s.User(ctx, tenantry.NewID())
	_, malformedUser := s.User(ctx, "not-an-id")
	_, unknownRT := s.RotateRefreshToken(ctx, "rules-unknown", rt("", "rules-x"))
	_, unknownReset := s.ResetPassword(ctx, "rules-unknown", passwordHash)
	tests := []struct {
		name     string
		err      error
		code     string
		message  string
		hasField string
	}{
		{"CreateUser(same e-mail)", dupEmail, tenantry.ECONFLICT, "A user with this e-mail already exists.", ""},
		{"User(unknown)", unknownUser, tenantry.ENOTFOUND, "User not found.", ""},
		{"User(not an id)", malformedUser, tenantry.ENOTFOUND, "User not found.", ""},
		{"SetPassword(empty)", s.SetPassword(ctx, u.ID, " "), tenantry.EINVALID, "", "password"},
		{"SetPassword(unknown user)", s.SetPassword(ctx, tenantry.NewID(), passwordHash), tenantry.ENOTFOUND, "User not found.", ""},
		{"SetPlatformAdmin(not an id)", s.SetPlatformAdmin(ctx, "x", true), tenantry.ENOTFOUND, "User not found.", ""},
		{"CreateRefreshToken(no hash)", s.CreateRefreshToken(ctx, rt(u.ID, "")), tenantry.EINVALID, "", "refresh_token"},
		{"CreateRefreshToken(unknown user)", s.CreateRefreshToken(ctx, rt(tenantry.NewID(), "rules-b")), tenantry.ENOTFOUND, "User not found.", ""},
		{"CreateRefreshToken(not an id)", s.CreateRefreshToken(ctx, rt("x", "rules-c")), tenantry.ENOTFOUND, "User not found.", ""},
		{"CreateRefreshToken(same hash)", s.CreateRefreshToken(ctx, rt(u.ID, "rules-a")), tenantry.ECONFLICT, "This refresh token already exists.", ""},
		{"RotateRefreshToken(unknown)", unknownRT, tenantry.EUNAUTHENTICATED, "The refresh token is not valid.", ""},
		{"ResetPassword(unknown)", unknownReset, tenantry.EUNAUTHENTICATED, "The password reset link is invalid or has expired.", ""},
	}
	for _, tt := range tests {
		if !wantCode(t, tt.name, tt.err, tt.code) || tt.err == nil {
			continue
		}
		if got := tenantry.ErrorMessage(tt.err); tt.message != "" && got != tt.message {
			t.Errorf("%s: got message %q, want %q", tt.name, got, tt.message)
		}
		var e *tenantry.Error
		if tt.hasField != "" && (!errors.As(tt.err, &e) || e.Fields[tt.hasField] == "") {
			t.Errorf("%s: got %v, want a field %q", tt.name, tt.err, tt.hasField)
		}
	}

	// The successor of a rotated token is the family's user's, even when
	// the caller names another.
	next := rt(other.ID, "rules-a2")
	old, err := s.RotateRefreshToken(ctx, "rules-a", next)
	fatalIf(t, "RotateRefreshToken", err)
	if next.UserID != u.ID || next.FamilyID != old.FamilyID {
		t.Errorf("RotateRefreshToken: next is user %s family %s, want user %s family %s", next.UserID, next.FamilyID, u.ID, old.FamilyID)
	}

	// Concurrent rotations of one token: one wins, the others are a reuse.
	const n = 6
	errs := race(n, func(i int) error {
		_, err := s.RotateRefreshToken(ctx, "rules-a2", rt("", "rules-a3-"+string(rune('a'+i))))
		return err
	})
	if got := countCodes(errs); got[""] != 1 || got[tenantry.EUNAUTHENTICATED] != n-1 {
		t.Errorf("%d concurrent rotations of one token: got %v, want 1 success and %d unauthenticated", n, got, n-1)
	}
	live, err := s.RefreshFamilyLive(ctx, old.FamilyID)
	fatalIf(t, "RefreshFamilyLive", err)
	if live {
		t.Error("after a concurrent reuse: the family is live, want it revoked")
	}

	// Concurrent uses of one reset: one sets the password.
	fatalIf(t, "CreatePasswordReset", s.CreatePasswordReset(ctx, &tenantry.PasswordReset{UserID: u.ID, TokenHash: "rules-reset", ExpiresAt: now.Add(time.Hour)}))
	errs = race(n, func(int) error {
		_, err := s.ResetPassword(ctx, "rules-reset", passwordHash)
		return err
	})
	if got := countCodes(errs); got[""] != 1 || got[tenantry.EUNAUTHENTICATED] != n-1 {
		t.Errorf("%d concurrent uses of one reset: got %v, want 1 success and %d unauthenticated", n, got, n-1)
	}
}

// race runs fn(0) ... fn(n-1) at once and returns their errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// countCodes counts errs by error code ("" for nil).
func countCodes(errs []error) map[string]int {
	out := map[string]int{}
	for _, err := range errs {
		out[tenantry.ErrorCode(err)]++
	}
	return out
}
