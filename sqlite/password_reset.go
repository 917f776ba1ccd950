package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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
	return db.write(ctx, func(tx *wtx) error {
		if pr.ID == "" {
			pr.ID = tx.newID()
		}
		if pr.CreatedAt.IsZero() {
			pr.CreatedAt = tenantry.Now()
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (id, user_id, token_hash, expires_at, created_at, used_at)
			VALUES (?, ?, ?, ?, ?, ?)`, pr.ID, pr.UserID, pr.TokenHash, encTime(pr.ExpiresAt), encTime(pr.CreatedAt), encNullTime(pr.UsedAt))
		switch {
		case isUnique(err, ""):
			return tenantry.Errorf(tenantry.ECONFLICT, "This password reset already exists.")
		case isForeignKey(err):
			return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
		case err != nil:
			return fmt.Errorf("insert password reset: %w", err)
		}
		return nil
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
	err := db.write(ctx, func(tx *wtx) error {
		var userID string
		var expires time.Time
		var used sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = ?`,
			tokenHash).Scan(&userID, timeScan{&expires}, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadReset()
		} else if err != nil {
			return fmt.Errorf("read password reset: %w", err)
		}
		now := tenantry.Now()
		if used.Valid || !expires.After(now) {
			return errBadReset()
		}
		at := encTime(now)
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, at, userID); err != nil {
			return fmt.Errorf("use password reset: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, passwordHash, at, userID); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, at, userID); err != nil {
			return fmt.Errorf("revoke refresh tokens: %w", err)
		}
		ev := tenantry.NewPasswordResetAudit(ctx, userID)
		ev.ID = tx.newID()
		if err := insertPlatformAudit(ctx, tx, ev); err != nil {
			return err
		}
		u, err = userWhere(ctx, tx, `id = ?`, userID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
