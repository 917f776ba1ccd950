package storetest

import (
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// testPasswordResets checks that a reset is used once, only before it
// expires, sets the password, revokes the user's refresh tokens, leaves
// other users alone and is audited on the platform trail with the user as
// actor.
func testPasswordResets(t *testing.T, s tenantry.Store) {
	ctx := tenantry.NewContextWithRequestID(t.Context(), "req-reset")
	u := newUser(t, ctx, s, "forgot@example.com")
	bystander := newUser(t, ctx, s, "bystander@example.com")
	now := tenantry.Now()
	mk := func(userID, hash string, expires time.Time) *tenantry.PasswordReset {
		return &tenantry.PasswordReset{UserID: userID, TokenHash: hash, ExpiresAt: expires}
	}
	first := mk(u.ID, "reset-a", now.Add(time.Hour))
	fatalIf(t, "CreatePasswordReset", s.CreatePasswordReset(ctx, first))
	if first.ID == "" || first.CreatedAt.IsZero() {
		t.Errorf("CreatePasswordReset: got id %q created %v, want them filled in", first.ID, first.CreatedAt)
	}
	fatalIf(t, "CreatePasswordReset(second)", s.CreatePasswordReset(ctx, mk(u.ID, "reset-b", now.Add(time.Hour))))
	fatalIf(t, "CreatePasswordReset(expired)", s.CreatePasswordReset(ctx, mk(u.ID, "reset-old", now.Add(-time.Minute))))
	fatalIf(t, "CreatePasswordReset(bystander)", s.CreatePasswordReset(ctx, mk(bystander.ID, "reset-other", now.Add(time.Hour))))
	for _, bad := range []struct {
		name string
		pr   *tenantry.PasswordReset
		want string
	}{
		{"no hash", mk(u.ID, "", now.Add(time.Hour)), tenantry.EINVALID},
		{"no expiry", mk(u.ID, "reset-x", time.Time{}), tenantry.EINVALID},
		{"unknown user", mk(tenantry.NewID(), "reset-y", now.Add(time.Hour)), tenantry.ENOTFOUND},
		{"same hash", mk(u.ID, "reset-a", now.Add(time.Hour)), tenantry.ECONFLICT},
	} {
		wantCode(t, "CreatePasswordReset("+bad.name+")", s.CreatePasswordReset(ctx, bad.pr), bad.want)
	}

	live := &tenantry.RefreshToken{UserID: u.ID, Hash: "reset-rt", ExpiresAt: now.Add(time.Hour)}
	fatalIf(t, "CreateRefreshToken", s.CreateRefreshToken(ctx, live))
	theirs := &tenantry.RefreshToken{UserID: bystander.ID, Hash: "reset-rt-other", ExpiresAt: now.Add(time.Hour)}
	fatalIf(t, "CreateRefreshToken(bystander)", s.CreateRefreshToken(ctx, theirs))

	const newHash = "$argon2id$v=19$m=65536,t=1,p=2$bmV3c2FsdA$bmV3aGFzaA"
	_, err := s.ResetPassword(ctx, "reset-a", "")
	wantCode(t, "ResetPassword(empty hash)", err, tenantry.EINVALID)
	got, err := s.ResetPassword(ctx, "reset-a", newHash)
	fatalIf(t, "ResetPassword", err)
	if got.ID != u.ID || got.PasswordHash != newHash {
		t.Errorf("ResetPassword: got user %s with hash %q, want %s with %q", got.ID, got.PasswordHash, u.ID, newHash)
	}
	stored, err := s.UserByEmail(ctx, u.Email)
	fatalIf(t, "UserByEmail", err)
	if stored.PasswordHash != newHash {
		t.Errorf("after ResetPassword: stored hash %q, want %q", stored.PasswordHash, newHash)
	}
	_, err = s.RotateRefreshToken(ctx, "reset-rt", &tenantry.RefreshToken{Hash: "reset-rt2", ExpiresAt: now.Add(time.Hour)})
	wantCode(t, "RotateRefreshToken(after reset)", err, tenantry.EUNAUTHENTICATED)
	_, err = s.RotateRefreshToken(ctx, "reset-rt-other", &tenantry.RefreshToken{Hash: "reset-rt-other2", ExpiresAt: now.Add(time.Hour)})
	wantCode(t, "RotateRefreshToken(bystander after reset)", err, "")

	for _, st := range []struct {
		name, hash string
		want       string
	}{
		{"used", "reset-a", tenantry.EUNAUTHENTICATED},
		{"other pending reset of the user", "reset-b", tenantry.EUNAUTHENTICATED},
		{"expired", "reset-old", tenantry.EUNAUTHENTICATED},
		{"unknown", "reset-unknown", tenantry.EUNAUTHENTICATED},
		{"bystander's own", "reset-other", ""},
	} {
		_, err := s.ResetPassword(ctx, st.hash, newHash)
		wantCode(t, "ResetPassword("+st.name+")", err, st.want)
	}

	evs, _, err := s.Platform().AuditEvents(ctx, tenantry.AuditFilter{Action: tenantry.AuditPasswordReset})
	fatalIf(t, "AuditEvents", err)
	var mine []*tenantry.AuditEvent
	for _, ev := range evs {
		if ev.TargetID == u.ID {
			mine = append(mine, ev)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("AuditEvents(%s) of %s: got %d events, want 1", tenantry.AuditPasswordReset, u.ID, len(mine))
	}
	ev := mine[0]
	want := tenantry.AuditActor{Type: tenantry.ActorUser, ID: u.ID}
	if ev.Actor != want || ev.TargetType != "user" || ev.TenantID != "" || ev.RequestID != "req-reset" {
		t.Errorf("audit event: got actor %+v target %s tenant %q request %q, want actor %+v target user, no tenant, request req-reset",
			ev.Actor, ev.TargetType, ev.TenantID, ev.RequestID, want)
	}
}
