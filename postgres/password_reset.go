package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

// errBadReset is the one answer to a reset token that cannot be used.
func errBadReset() error {
	return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "The password reset link is invalid or has expired.")
}

// CreatePasswordReset stores pr; ID and CreatedAt are filled in when empty
// (validation_failed, not_found for an unknown user).
func (db *DB) CreatePasswordReset(ctx context.Context, pr *tenantry.PasswordReset) error {
	if pr.TokenHash == "" || pr.UserID == "" || pr.ExpiresAt.IsZero() {
		return tenantry.Invalid(map[string]string{"password_reset": "hash, user and expiry are required"})
	}
	uid, ok := tenantry.ParseID(pr.UserID)
	if !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	}
	if pr.ID == "" {
		pr.ID = tenantry.NewID()
	}
	if pr.CreatedAt.IsZero() {
		pr.CreatedAt = tenantry.Now()
	}
	return db.globalTx(ctx, nil, func(tx *wtx) error {
		_, err := tx.Exec(ctx, `INSERT INTO password_resets (id, user_id, token_hash, expires_at, created_at, used_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, pr.ID, uid, pr.TokenHash, pr.ExpiresAt, pr.CreatedAt, pr.UsedAt)
		if err != nil && tenantry.IsCode(mapErr(err), tenantry.ENOTFOUND) {
			return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
		}
		return err
	})
}

// ResetPassword uses the live reset with tokenHash once: new password,
// the user's pending resets used, refresh tokens revoked and a platform
// audit event, in one transaction (unauthenticated, validation_failed).
func (db *DB) ResetPassword(ctx context.Context, tokenHash, passwordHash string) (*tenantry.User, error) {
	if passwordHash == "" {
		return nil, tenantry.Invalid(map[string]string{"password": "required"})
	}
	var u *tenantry.User
	err := db.globalTx(ctx, nil, func(tx *wtx) error {
		var (
			userID  string
			expires time.Time
			used    *time.Time
		)
		err := tx.QueryRow(ctx, `SELECT user_id::text, expires_at, used_at FROM password_resets WHERE token_hash = $1 FOR UPDATE`,
			tokenHash).Scan(&userID, &expires, &used)
		if errors.Is(err, pgx.ErrNoRows) {
			return errBadReset()
		} else if err != nil {
			return err
		}
		now := tenantry.Now()
		if used != nil || !expires.After(now) {
			return errBadReset()
		}
		if _, err := tx.Exec(ctx, `UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, userID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, passwordHash, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, userID, now); err != nil {
			return err
		}
		if err := insertPlatformAudit(ctx, tx, tenantry.NewPasswordResetAudit(ctx, userID)); err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, userID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
