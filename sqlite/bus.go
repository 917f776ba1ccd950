package sqlite

import (
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
// It is package dbbus's, over core.BusTable.
type Bus = dbbus.Bus

var _ tenantry.Bus = (*Bus)(nil)

// Bus returns a Bus on db's invalidations table. It starts nothing until
// Subscribe is called.
func (db *DB) Bus(opts BusOptions) *Bus {
	return dbbus.New(core.BusTable{Globals: db.globals(), InsertSQL: insertInvalidationSQL}, "sqlite", db.local.Origin(), opts)
}

// OnInvalidation adds fn to what is told the invalidations of each commit
// of db, in the committing goroutine, until stop is called.
func (db *DB) OnInvalidation(fn func(tenantry.Invalidation)) (stop func()) { return db.local.Add(fn) }

// insertInvalidationSQL writes one row of the invalidations table
// (core.InvalidationArgs); the single writer makes the id order the
// commit order.
const insertInvalidationSQL = `INSERT INTO invalidations (kind, subject_tenant_id, user_id, key, origin, created_at)
	VALUES ($1, $2, $3, $4, $5, $6)`
