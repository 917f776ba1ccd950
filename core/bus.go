package core

import (
	"context"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/dbbus"
)

// BusTable is a store's invalidations table as package dbbus reads and
// writes it, over the store's global transactions: one text for both
// backends, but for the insert of a row, which is the backend's
// (PostgreSQL takes a lock first, so that ids are handed out in commit
// order; SQLite's single writer does that by itself). The backend's
// commits write their rows with the same statement, in the transaction
// of the change.
type BusTable struct {
	Globals Globals
	// InsertSQL inserts one row, with the values InvalidationArgs gives.
	InsertSQL string
}

var _ dbbus.Table = BusTable{}

// InvalidationArgs are the values of a row of inv, published by origin
// at at: kind, subject tenant, user, key, origin, created_at.
func InvalidationArgs(origin string, inv tenantry.Invalidation, at time.Time) []any {
	return []any{inv.Kind, inv.TenantID, inv.UserID, inv.Key, origin, at}
}

// Insert adds one row in a write of its own.
func (b BusTable) Insert(ctx context.Context, origin string, inv tenantry.Invalidation) error {
	return b.Globals.Write(ctx, func(tx GlobalTx) error {
		_, err := tx.Exec(ctx, b.InsertSQL, InvalidationArgs(origin, inv, time.Now())...)
		return err
	})
}

// MaxID returns the highest id, 0 for an empty table.
func (b BusTable) MaxID(ctx context.Context) (int64, error) {
	var id int64
	err := b.Globals.Read(ctx, func(tx GlobalTx) error {
		return tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM invalidations`).Scan(&id)
	})
	return id, err
}

// After returns up to limit rows above id, in id order.
func (b BusTable) After(ctx context.Context, id int64, limit int) ([]dbbus.Row, error) {
	var out []dbbus.Row
	err := b.Globals.Read(ctx, func(tx GlobalTx) error {
		rows, err := tx.Query(ctx, `SELECT id, kind, subject_tenant_id, user_id, key, origin
			FROM invalidations WHERE id > $1 ORDER BY id LIMIT $2`, id, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r dbbus.Row
			if err := rows.Scan(&r.ID, &r.Inv.Kind, &r.Inv.TenantID, &r.Inv.UserID, &r.Inv.Key, &r.Origin); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// Prune deletes the rows created more than olderThan ago.
func (b BusTable) Prune(ctx context.Context, olderThan time.Duration) (int64, error) {
	var n int64
	err := b.Globals.Write(ctx, func(tx GlobalTx) error {
		var err error
		n, err = tx.Exec(ctx, `DELETE FROM invalidations WHERE created_at < $1`, time.Now().Add(-olderThan))
		return err
	})
	return n, err
}
