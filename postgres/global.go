package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
	"github.com/tenantry/tenantry/internal/outbox"
)

// globals are the store's transactions over the global tables, on which
// package core's account and browser-session rules run: a pgTx with no
// tenant, as the runtime role, so row level security hides every
// tenant's row.
func (db *DB) globals() core.Globals {
	return core.Globals{Write: db.globalWrite, Read: db.globalRead, Tenant: db.platformWrite, User: db.userRead,
		Trails: db.trailsRead, Snapshot: db.snapshot, Sweep: db.sweep}
}

// globalWrite runs fn in one write transaction: BEGIN travels with its
// first statement that returns a result, and what it queues with COMMIT.
func (db *DB) globalWrite(ctx context.Context, fn func(core.GlobalTx) error) error {
	tx := &pgTx{db: db, write: true, pending: &pgx.Batch{}}
	return tx.run(ctx, func() error { return fn(tx) })
}

// globalRead runs fn with each statement on its own, one round trip each.
func (db *DB) globalRead(ctx context.Context, fn func(core.GlobalTx) error) error {
	tx := &pgTx{db: db}
	return tx.run(ctx, func() error { return fn(tx) })
}

// userRead runs fn with each statement in a read-only transaction of its
// own with app.user_id set to id, one round trip each: the one reader of
// the members_self_read policy.
func (db *DB) userRead(ctx context.Context, id string, fn func(core.GlobalTx) error) error {
	tx := &pgTx{db: db, scope: setUserPrefix + id + "'"}
	return tx.run(ctx, func() error { return fn(tx) })
}

// trailsRead runs fn with each statement in a read-only transaction of its
// own, one round trip each: as tenant id, or with id "" under the
// audit_events_platform_read policy (app.platform set to 'on' for that
// statement only).
func (db *DB) trailsRead(ctx context.Context, id string, fn func(core.GlobalTx) error) error {
	tx := &pgTx{db: db, id: id, scope: "SET LOCAL app.platform = 'on'"}
	if id != "" {
		tx.scope = ""
	}
	return tx.run(ctx, func() error { return fn(tx) })
}

// sweep runs fn in one write transaction with app.platform and
// app.usage_flush on, set with its BEGIN: the one writer of the
// tenant_events_platform_prune and usage_counters_flush_* policies.
func (db *DB) sweep(ctx context.Context, fn func(core.GlobalTx) error) error {
	tx := &pgTx{db: db, write: true, pending: &pgx.Batch{},
		scope: `SELECT set_config('app.platform', 'on', true), set_config('app.usage_flush', 'on', true)`}
	return tx.run(ctx, func() error { return fn(tx) })
}

// snapshot runs fn in one read-only REPEATABLE READ transaction of tenant
// id: BEGIN and the tenant travel with its first statement, and every
// statement sees the rows committed when that one began. It ends with
// ROLLBACK (release), as it wrote nothing.
func (db *DB) snapshot(ctx context.Context, id string, fn func(tenantry.Tx) error) error {
	tx := &pgTx{db: db, id: id, snapshot: true}
	return tx.run(ctx, func() error { return fn(tx) })
}

// rowStatements are PostgreSQL's statements of the extension tables' rows:
// to_jsonb reads a row, jsonb_populate_record converts one to the
// columns' types.
var rowStatements = core.RowStatements{
	Select: func(table string, _ []string) string {
		return `SELECT to_jsonb(x) FROM ` + pgx.Identifier{table}.Sanitize() + ` x WHERE x.tenant_id = $1`
	},
	Insert: func(table string, _ []string) string {
		t := pgx.Identifier{table}.Sanitize()
		return `INSERT INTO ` + t + ` VALUES ((jsonb_populate_record(NULL::` + t + `, $1::jsonb)).*)`
	},
}

// platformWrite runs fn in one write transaction of tenant id, as a
// tenant's write begins: app.tenant_id set and the tenant's row locked
// with its first statement, whatever its status.
func (db *DB) platformWrite(ctx context.Context, id string, fn func(core.PlatformTx) error) error {
	tx := &pgTx{db: db, id: id, write: true, pending: &pgx.Batch{}}
	return tx.run(ctx, func() error { return fn(tx) })
}

// Enter binds the global write, which has begun with the insert of t's
// row, to t: app.tenant_id travels with its next round trip. t has no
// event counter yet, so its first event creates one (queueEvents).
func (tx *pgTx) Enter(t *tenantry.Tenant) core.PlatformTx {
	tx.id, tx.tenant = t.ID, t
	tx.db.queueTenant(tx.pending, t.ID)
	return tx
}

// Event writes ev into the tenant's outbox with COMMIT.
func (tx *pgTx) Event(ctx context.Context, ev *tenantry.Event) error {
	if !tx.write || tx.id == "" {
		return errors.New("postgres: Event outside a tenant's write")
	}
	if outbox.Enabled {
		tx.events = append(tx.events, ev)
	}
	return nil
}

// Invalidate adds invs to what a write writes to the invalidations outbox
// with COMMIT and tells the process after.
func (tx *pgTx) Invalidate(invs ...tenantry.Invalidation) {
	if tx.write {
		tx.invs = append(tx.invs, invs...)
	}
}

// PlatformAudit queues a platform audit event for the next round trip.
func (tx *pgTx) PlatformAudit(ctx context.Context, ev *tenantry.AuditEvent) error {
	if !tx.write {
		return errors.New("postgres: PlatformAudit in a read transaction")
	}
	tx.pending.Queue(core.InsertPlatformAuditSQL, core.AuditArgs(ev)...)
	tx.invs = append(tx.invs, ev.Invalidations()...)
	return nil
}
