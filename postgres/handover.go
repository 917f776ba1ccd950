package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
)

// SaveHandover stores h until its ExpiresAt and deletes the expired
// handovers.
func (b *BrowserSessions) SaveHandover(ctx context.Context, h *tenantry.BrowserHandover) error {
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO browser_handovers (hash, host, user_id, flash, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, h.Hash, h.Host, h.UserID, h.Flash, h.ExpiresAt)
	batch.Queue(`DELETE FROM browser_handovers WHERE expires_at <= now()`)
	if err := b.db.globalTx(ctx, batch, nil); err != nil {
		return fmt.Errorf("save browser handover: %w", err)
	}
	return nil
}

// TakeHandover deletes the handover with hash and returns it, or
// (nil, nil) when it is unknown, taken or expired. The delete returns the
// row, so that of concurrent callers only one gets it.
func (b *BrowserSessions) TakeHandover(ctx context.Context, hash string) (*tenantry.BrowserHandover, error) {
	h := &tenantry.BrowserHandover{Hash: hash}
	err := b.db.pool.QueryRow(ctx, `DELETE FROM browser_handovers WHERE hash = $1
		RETURNING host, user_id, flash, expires_at`, cached, hash).Scan(&h.Host, &h.UserID, &h.Flash, &h.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("take browser handover: %w", mapErr(err))
	}
	if !time.Now().Before(h.ExpiresAt) {
		return nil, nil
	}
	return h, nil
}
