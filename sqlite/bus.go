package sqlite

import (
	"context"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
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

// busTable is the invalidations table of db.
type busTable struct{ db *DB }

// Insert adds one row in a write of its own; the single writer makes the
// id order the commit order.
func (t busTable) Insert(ctx context.Context, origin string, inv tenantry.Invalidation) error {
	return t.db.write(ctx, "", func(tx *connTx) error {
		_, err := tx.Exec(ctx, `INSERT INTO invalidations (kind, subject_tenant_id, user_id, key, origin, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, inv.Kind, inv.TenantID, inv.UserID, inv.Key, origin, time.Now())
		return err
	})
}

// MaxID returns the highest id, 0 for an empty table.
func (t busTable) MaxID(ctx context.Context) (int64, error) {
	var id int64
	err := t.db.globalRead(ctx, func(tx core.GlobalTx) error {
		return tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM invalidations`).Scan(&id)
	})
	return id, err
}

// After returns up to limit rows above id, in id order.
func (t busTable) After(ctx context.Context, id int64, limit int) ([]dbbus.Row, error) {
	var out []dbbus.Row
	err := t.db.globalRead(ctx, func(tx core.GlobalTx) error {
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
	err := t.db.write(ctx, "", func(tx *connTx) error {
		var err error
		n, err = tx.Exec(ctx, `DELETE FROM invalidations WHERE created_at < $1`, time.Now().Add(-olderThan))
		return err
	})
	return n, err
}
