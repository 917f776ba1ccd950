package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/dbbus"
)

// BusOptions tunes a Bus: PollInterval (default 250 ms), Batch (rows per
// read, default 500), Retention (default 10 minutes), PruneEvery (default
// one minute) and Logger (default slog.Default()).
type BusOptions = dbbus.Options

// busLockID is the transaction advisory lock every insert into
// invalidations takes first ("tenantry" in ASCII).
const busLockID int64 = 0x74656e616e747279

// Bus is a tenantry.Bus through the invalidations table, so that every
// process on the same database (servers and the tenantry CLI alike) hears
// of every change, with or without Redis. Publish delivers to this Bus's
// own subscribers at once and inserts a row as the runtime role; each
// Subscribe polls for new rows every PollInterval. Database errors are
// logged and retried on the next poll; rows older than Retention are
// pruned about once per PruneEvery by a subscribed Bus.
// It is package dbbus's, over this backend's table (busTable).
type Bus = dbbus.Bus

var _ tenantry.Bus = (*Bus)(nil)

// Bus returns a Bus on db's invalidations table. It starts nothing until
// Subscribe is called.
func (db *DB) Bus(opts BusOptions) *Bus {
	return dbbus.New(busTable{db}, "postgres", db.local.Origin(), opts)
}

// OnInvalidation adds fn to what is told the invalidations of each commit
// of db, in the committing goroutine, until stop is called.
func (db *DB) OnInvalidation(fn func(tenantry.Invalidation)) (stop func()) { return db.local.Add(fn) }

// insertInvalidationSQL writes one row of the invalidations outbox after
// taking the advisory lock busLockID, held until commit: inserts are
// serialised, so a later id is never visible before an earlier one and a
// poller reading "id > last" misses nothing. The lock is taken in a
// materialised CTE, which runs before the row (and its id) is made, so
// the statement does it alone outside a transaction too.
const insertInvalidationSQL = `WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock($1::bigint))
	INSERT INTO invalidations (kind, subject_tenant_id, user_id, key, origin)
	SELECT $2::text, $3::text, $4::text, $5::text, $6::text FROM l`

// queueInvalidations queues the rows of invs, marked with origin, in b.
func queueInvalidations(b *pgx.Batch, origin string, invs []tenantry.Invalidation) {
	for _, inv := range invs {
		b.Queue(insertInvalidationSQL, busLockID, inv.Kind, inv.TenantID, inv.UserID, inv.Key, origin)
	}
}

// busTable is the invalidations table of db. Its errors are the driver's,
// unmapped: they go to logs, never to a client.
type busTable struct{ db *DB }

// Insert adds one row in a statement of its own (insertInvalidationSQL).
func (t busTable) Insert(ctx context.Context, origin string, inv tenantry.Invalidation) error {
	_, err := t.db.pool.Exec(ctx, insertInvalidationSQL, cached, busLockID, inv.Kind, inv.TenantID, inv.UserID, inv.Key, origin)
	return err
}

// MaxID returns the highest id, 0 for an empty table.
func (t busTable) MaxID(ctx context.Context) (int64, error) {
	var id int64
	err := t.db.pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM invalidations`).Scan(&id)
	return id, err
}

// After returns up to limit rows above id, in id order.
func (t busTable) After(ctx context.Context, id int64, limit int) ([]dbbus.Row, error) {
	rows, err := t.db.pool.Query(ctx, `SELECT id, kind, subject_tenant_id, user_id, key, origin
		FROM invalidations WHERE id > $1 ORDER BY id LIMIT $2`, cached, id, limit)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (dbbus.Row, error) {
		var r dbbus.Row
		err := row.Scan(&r.ID, &r.Inv.Kind, &r.Inv.TenantID, &r.Inv.UserID, &r.Inv.Key, &r.Origin)
		return r, err
	})
	return out, err
}

// Prune deletes the rows created more than olderThan ago, by the
// database's clock.
func (t busTable) Prune(ctx context.Context, olderThan time.Duration) (int64, error) {
	tag, err := t.db.pool.Exec(ctx, `DELETE FROM invalidations WHERE created_at < now() - make_interval(secs => $1)`,
		cached, olderThan.Seconds())
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
