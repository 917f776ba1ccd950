package tenantry

import (
	"context"
	"time"
)

// PasswordResetTTL is how long a password-reset link can be used.
const PasswordResetTTL = time.Hour

// PasswordReset is a one-time permission to set a user's password, sent
// to the user's e-mail address as a link. Only its token's hash is stored.
// Resets are global, like users: they belong to no tenant.
type PasswordReset struct {
	ID        string
	UserID    string
	TokenHash string
	ExpiresAt time.Time
	CreatedAt time.Time
	UsedAt    *time.Time
}

// PasswordResetStore is the storage of password resets.
type PasswordResetStore interface {
	// CreatePasswordReset stores pr; ID and CreatedAt are filled in when
	// empty (validation_failed without a hash or expiry, not_found for an
	// unknown user).
	CreatePasswordReset(ctx context.Context, pr *PasswordReset) error
	// ResetPassword uses the live reset with tokenHash, once: it sets the
	// user's password hash, marks that reset and the user's other pending
	// ones used, revokes all the user's refresh tokens and writes the
	// platform audit event user.password_reset with the user as actor, in
	// one transaction. It returns the user (unauthenticated for an
	// unknown, used or expired token; validation_failed for an empty
	// hash).
	ResetPassword(ctx context.Context, tokenHash, passwordHash string) (*User, error)
}

// AuditPasswordReset is the action of the platform audit event of a
// password reset.
const AuditPasswordReset = "user.password_reset"

// NewPasswordResetAudit returns the platform audit event of userID's
// password reset. The user is the actor, whatever the identity of ctx: the
// reset link is their credential. The request id comes from ctx.
func NewPasswordResetAudit(ctx context.Context, userID string) *AuditEvent {
	ev := NewAuditEvent(ctx, "", AuditPasswordReset, "user", userID)
	ev.Actor = AuditActor{Type: ActorUser, ID: userID}
	return ev
}
