package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
	"github.com/tenantry/tenantry/internal/dbbus"
)

// BusOptions tunes a Bus: PollInterval (default 250 ms), Batch (rows per
// read, default 500), Retention (default 10 minutes), PruneEvery (default
// one minute) and Logger (default slog.Default()).
type BusOptions = dbbus.Options

// busLock is the transaction advisory lock every insert into
// invalidations takes first: "tenantry" in ASCII, 0x74656e616e747279.
const busLock = "8387231245791425145"

// Bus is a tenantry.Bus through the invalidations table, so that every
// process on the same database (servers and the tenantry CLI alike) hears
// of every change, with or without Redis. Publish delivers to this Bus's
// own subscribers at once and inserts a row as the runtime role; each
// Subscribe polls for new rows every PollInterval. Database errors are
// logged and retried on the next poll; rows older than Retention are
// pruned about once per PruneEvery by a subscribed Bus.
// It is package dbbus's, over core.BusTable.
type Bus = dbbus.Bus

var _ tenantry.Bus = (*Bus)(nil)

// Bus returns a Bus on db's invalidations table. It starts nothing until
// Subscribe is called.
func (db *DB) Bus(opts BusOptions) *Bus {
	return dbbus.New(busTable{core.BusTable{Globals: db.globals(), InsertSQL: insertInvalidationSQL}, db}, "postgres", db.local.Origin(), opts)
}

// busTable is core.BusTable with its insert sent as one statement on its
// own: one round trip where a global write takes two (BEGIN with the
// statement, then COMMIT). The events hub publishes through it for every
// tenant whose outbox grew.
type busTable struct {
	core.BusTable
	db *DB
}

// Insert adds one row in a statement of its own (insertInvalidationSQL).
func (t busTable) Insert(ctx context.Context, origin string, inv tenantry.Invalidation) error {
	_, err := t.db.pool.Exec(ctx, insertInvalidationSQL, core.InvalidationArgs(origin, inv, time.Now())...)
	return err
}

// OnInvalidation adds fn to what is told the invalidations of each commit
// of db, in the committing goroutine, until stop is called.
func (db *DB) OnInvalidation(fn func(tenantry.Invalidation)) (stop func()) { return db.local.Add(fn) }

// insertInvalidationSQL writes one row of the invalidations outbox
// (core.InvalidationArgs) after taking the advisory lock busLock, held
// until commit: inserts are serialised, so a later id is never visible
// before an earlier one and a poller reading "id > last" misses nothing.
// The lock is taken in a materialised CTE, which runs before the row (and
// its id) is made.
const insertInvalidationSQL = `WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock(` + busLock + `))
	INSERT INTO invalidations (kind, subject_tenant_id, user_id, key, origin, created_at)
	SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::timestamptz FROM l`

// queueInvalidations queues the rows of invs, marked with origin, in b.
func queueInvalidations(b *pgx.Batch, origin string, invs []tenantry.Invalidation) {
	now := time.Now()
	for _, inv := range invs {
		b.Queue(insertInvalidationSQL, core.InvalidationArgs(origin, inv, now)...)
	}
}
