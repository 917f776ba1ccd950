package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/dbbus"
)

// BusOptions tunes a Bus: PollInterval (default 250 ms), Batch (rows per
// read, default 500), Retention (default 10 minutes), PruneEvery (default
// one minute) and Logger (default slog.Default()).
type BusOptions = dbbus.Options

// Bus is a tenantry.Bus through the invalidations table of the database
// file, so that every process opening the same file (servers and the
// tenantry CLI alike) hears of every change. Publish delivers to this
// Bus's own subscribers at once and inserts a row; each Subscribe polls
// for new rows every PollInterval. Database errors are logged and retried
// on the next poll; rows older than Retention are pruned about once per
// PruneEvery by a subscribed Bus.
// It is package dbbus's, over this backend's table (busTable).
type Bus = dbbus.Bus

var _ tenantry.Bus = (*Bus)(nil)

// Bus returns a Bus on db's invalidations table. It starts nothing until
// Subscribe is called.
func (db *DB) Bus(opts BusOptions) *Bus {
	return dbbus.New(busTable{db}, "sqlite", db.local.Origin(), opts)
}

// OnInvalidation adds fn to what is told the invalidations of each commit
// of db, in the committing goroutine, until stop is called.
func (db *DB) OnInvalidation(fn func(tenantry.Invalidation)) (stop func()) { return db.local.Add(fn) }

// invalidate adds invs to what tx writes to the invalidations outbox
// before it commits and tells the process after.
func (tx *wtx) invalidate(invs ...tenantry.Invalidation) { tx.invs = append(tx.invs, invs...) }

// insertInvalidationSQL writes one row of the invalidations outbox.
const insertInvalidationSQL = `INSERT INTO invalidations (kind, subject_tenant_id, user_id, key, origin, created_at)
	VALUES (?, ?, ?, ?, ?, ?)`

// insertInvalidations writes invs, marked with origin, in tx; the single
// writer makes the id order the commit order.
func insertInvalidations(ctx context.Context, tx *wtx, origin string, invs []tenantry.Invalidation) error {
	if len(invs) == 0 {
		return nil
	}
	now := encTime(time.Now())
	for _, inv := range invs {
		if _, err := tx.ExecContext(ctx, insertInvalidationSQL, inv.Kind, inv.TenantID, inv.UserID, inv.Key, origin, now); err != nil {
			return fmt.Errorf("insert invalidation: %w", err)
		}
	}
	return nil
}

// busTable is the invalidations table of db.
type busTable struct{ db *DB }

// Insert adds one row; the single writer makes the id order the commit
// order.
func (t busTable) Insert(ctx context.Context, origin string, inv tenantry.Invalidation) error {
	return t.db.write(ctx, func(tx *wtx) error {
		return insertInvalidations(ctx, tx, origin, []tenantry.Invalidation{inv})
	})
}

// MaxID returns the highest id, 0 for an empty table.
func (t busTable) MaxID(ctx context.Context) (int64, error) {
	var id int64
	err := t.db.readers.read(ctx, "", t.db.rewritten, false, func(tx tenantry.Tx) error {
		return tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM invalidations`).Scan(&id)
	})
	return id, err
}

// After returns up to limit rows above id, in id order.
func (t busTable) After(ctx context.Context, id int64, limit int) ([]dbbus.Row, error) {
	var out []dbbus.Row
	err := t.db.readers.read(ctx, "", t.db.rewritten, false, func(tx tenantry.Tx) error {
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
func (t busTable) Prune(ctx context.Context, olderThan time.Duration) (int64, error) {
	var n int64
	err := t.db.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM invalidations WHERE created_at < ?`, encTime(time.Now().Add(-olderThan)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
