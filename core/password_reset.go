package core

import (
	"context"

	"github.com/tenantry/tenantry"
)

// errBadReset is the one answer to a reset token that cannot be used.
func errBadReset() error {
	return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "The password reset link is invalid or has expired.")
}

// CreatePasswordReset stores pr; ID and CreatedAt are filled in when empty
// (validation_failed without a hash, user or expiry; not_found for an
// unknown user).
func (a Accounts) CreatePasswordReset(ctx context.Context, pr *tenantry.PasswordReset) error {
	if pr.TokenHash == "" || pr.UserID == "" || pr.ExpiresAt.IsZero() {
		return tenantry.Invalid(map[string]string{"password_reset": "hash, user and expiry are required"})
	}
	uid, err := userOf(pr.UserID)
	if err != nil {
		return err
	}
	pr.UserID = uid
	if pr.ID == "" {
		pr.ID = tenantry.NewID()
	}
	if pr.CreatedAt.IsZero() {
		pr.CreatedAt = tenantry.Now()
	}
	return a.g.Write(ctx, func(tx GlobalTx) error {
		_, err := tx.Exec(ctx, `INSERT INTO password_resets (id, user_id, token_hash, expires_at, created_at, used_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, pr.ID, pr.UserID, pr.TokenHash, pr.ExpiresAt, pr.CreatedAt, pr.UsedAt)
		switch {
		case tenantry.IsCode(err, tenantry.ECONFLICT):
			return tenantry.Errorf(tenantry.ECONFLICT, "This password reset already exists.")
		case tenantry.IsCode(err, tenantry.ENOTFOUND):
			return errUserNotFound()
		}
		return err
	})
}

// ResetPassword uses the live reset with tokenHash once, in one
// transaction: the reset is marked used by one UPDATE of a live, unexpired
// reset (so of two uses only the first finds it), then the user's other
// pending resets are used, the password set, every refresh token of the
// user revoked and the platform event user.password_reset written, whose
// invalidation (UserChanged) stops the user's access tokens everywhere
// (unauthenticated, validation_failed for an empty hash).
func (a Accounts) ResetPassword(ctx context.Context, tokenHash, passwordHash string) (*tenantry.User, error) {
	if passwordHash == "" {
		return nil, tenantry.Invalid(map[string]string{"password": "required"})
	}
	return write(ctx, a.g, func(tx GlobalTx) (*tenantry.User, error) {
		now := tenantry.Now()
		var userID string
		err := tx.QueryRow(ctx, `UPDATE password_resets SET used_at = $2
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id`, tokenHash, now).Scan(&userID)
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return nil, errBadReset()
		} else if err != nil {
			return nil, err
		}
		tx.Queue(ctx, `UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, userID, now)
		tx.Queue(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, passwordHash, now)
		tx.Queue(ctx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, userID, now)
		if err := tx.PlatformAudit(ctx, tenantry.NewPasswordResetAudit(ctx, userID)); err != nil {
			return nil, err
		}
		return userByID(ctx, tx, userID)
	})
}
