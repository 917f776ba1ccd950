package sqlite

import (
	"context"
	"errors"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// globals are the store's transactions over the global tables, on which
// package core's account, browser-session and platform rules run: the
// writer's transactions and the readers' (connTx), with no tenant or with
// one.
func (db *DB) globals() core.Globals {
	return core.Globals{Write: db.globalWrite, Read: db.globalRead, Tenant: db.platformWrite, User: db.scopedRead,
		Trails: db.scopedRead, Snapshot: db.snapshot, Sweep: db.globalWrite}
}

// globalWrite runs fn in one write transaction on the store's writer.
func (db *DB) globalWrite(ctx context.Context, fn func(core.GlobalTx) error) error {
	return db.write(ctx, "", func(tx *connTx) error { return fn(globalTx{tx}) })
}

// globalRead runs fn on the readers, as a tenant's read runs: each
// statement sees the rows committed when it starts.
func (db *DB) globalRead(ctx context.Context, fn func(core.GlobalTx) error) error {
	return db.readers.read(ctx, "", false, func(tx tenantry.Tx) error {
		return fn(globalTx{tx.(*connTx)})
	})
}

// scopedRead is globalRead: SQLite has no row level security to lift for a
// user's own member rows (User) or the tenants' trails (Trails).
func (db *DB) scopedRead(ctx context.Context, _ string, fn func(core.GlobalTx) error) error {
	return db.globalRead(ctx, fn)
}

// platformWrite runs fn in one write transaction of tenant id, whose row
// it reads first (tenant_not_found); SQLite's writer holds the whole
// database, so nothing changes the row until commit.
func (db *DB) platformWrite(ctx context.Context, id string, fn func(core.PlatformTx) error) error {
	return db.write(ctx, id, func(tx *connTx) error { return fn(platformTx{tx}) })
}

// globalTx is a core.GlobalTx: a connTx with no tenant, on the writer or a
// reader (which refuses writes).
type globalTx struct{ *connTx }

// Invalidate adds invs to what a write writes to the invalidations outbox
// before it commits and tells the process after; a read commits nothing.
func (tx globalTx) Invalidate(invs ...tenantry.Invalidation) {
	if tx.writeState != nil {
		tx.invs = append(tx.invs, invs...)
	}
}

// PlatformAudit writes a platform audit event and its invalidations.
func (tx globalTx) PlatformAudit(ctx context.Context, ev *tenantry.AuditEvent) error {
	if tx.writeState == nil {
		return errors.New("sqlite: PlatformAudit in a read transaction")
	}
	return tx.insertPlatformAudit(ctx, ev)
}

// Enter binds the write, which has inserted t's row, to t from here on.
func (tx globalTx) Enter(t *tenantry.Tenant) core.PlatformTx {
	if tx.writeState == nil {
		panic("sqlite: Enter in a read transaction")
	}
	tx.id, tx.tenant = t.ID, t
	return platformTx(tx)
}

// platformTx is a core.PlatformTx: a tenant's write transaction with the
// platform's writes.
type platformTx struct{ *connTx }

// Invalidate adds invs to what the transaction writes to the outbox.
func (tx platformTx) Invalidate(invs ...tenantry.Invalidation) { tx.invs = append(tx.invs, invs...) }

// PlatformAudit writes a platform audit event and its invalidations.
func (tx platformTx) PlatformAudit(ctx context.Context, ev *tenantry.AuditEvent) error {
	return tx.insertPlatformAudit(ctx, ev)
}

// Event writes ev into the tenant's outbox.
func (tx platformTx) Event(ctx context.Context, ev *tenantry.Event) error {
	return tx.insertEvent(ctx, ev)
}
