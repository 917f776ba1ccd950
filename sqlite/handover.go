package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tenantry/tenantry"
)

// SaveHandover stores h until its ExpiresAt and deletes the expired
// handovers.
func (b *BrowserSessions) SaveHandover(ctx context.Context, h *tenantry.BrowserHandover) error {
	err := b.db.write(ctx, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO browser_handovers (hash, host, user_id, flash, expires_at)
			VALUES (?, ?, ?, ?, ?)`, h.Hash, h.Host, h.UserID, h.Flash, encTime(h.ExpiresAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM browser_handovers WHERE expires_at <= ?`, encTime(time.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("save browser handover: %w", dbErr(err))
	}
	return nil
}

// TakeHandover deletes the handover with hash and returns it, or
// (nil, nil) when it is unknown, taken or expired. The delete returns the
// row, so that of concurrent callers only one gets it.
func (b *BrowserSessions) TakeHandover(ctx context.Context, hash string) (*tenantry.BrowserHandover, error) {
	h := &tenantry.BrowserHandover{Hash: hash}
	err := b.db.write(ctx, func(tx *wtx) error {
		return tx.QueryRowContext(ctx, `DELETE FROM browser_handovers WHERE hash = ?
			RETURNING host, user_id, flash, expires_at`, hash).
			Scan(&h.Host, &h.UserID, &h.Flash, timeScan{&h.ExpiresAt})
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("take browser handover: %w", dbErr(err))
	}
	if !time.Now().Before(h.ExpiresAt) {
		return nil, nil
	}
	return h, nil
}
