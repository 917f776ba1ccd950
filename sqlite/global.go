package sqlite

import (
	"context"
	"errors"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// globals are the store's transactions over the global tables, on which
// package core's account, browser-session and platform rules run.
func (db *DB) globals() core.Globals {
	return core.Globals{Write: db.globalWrite, Read: db.globalRead, Tenant: db.platformWrite, User: db.scopedRead,
		Trails: db.scopedRead, Snapshot: db.snapshot, Sweep: db.globalWrite}
}

// globalWrite runs fn in one write transaction on the store's writer.
func (db *DB) globalWrite(ctx context.Context, fn func(core.GlobalTx) error) error {
	var hooks []func()
	return afterCommit(&hooks, db.write(ctx, func(w *wtx) error {
		tx := db.globalOn(w)
		tx.hooks = &hooks
		return tx.run(fn(tx))
	}))
}

// globalRead runs fn on the readers, as a tenant's read runs: each
// statement sees the rows committed when it starts.
func (db *DB) globalRead(ctx context.Context, fn func(core.GlobalTx) error) error {
	return db.readers.read(ctx, "", db.rewritten, false, func(tx tenantry.Tx) error {
		return fn(globalReadTx{tx.(*readTx)})
	})
}

// globalReadTx is a core.GlobalTx of a read on the readers, which refuse
// writes: it names no tenant and changes nothing.
type globalReadTx struct{ *readTx }

// Invalidate does nothing: a read commits nothing.
func (globalReadTx) Invalidate(...tenantry.Invalidation) {}

// PlatformAudit fails: a read changes nothing.
func (globalReadTx) PlatformAudit(context.Context, *tenantry.AuditEvent) error {
	return errors.New("sqlite: PlatformAudit in a read transaction")
}

// Enter panics: only a write inserts a tenant.
func (globalReadTx) Enter(*tenantry.Tenant) core.PlatformTx {
	panic("sqlite: Enter in a read transaction")
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
	var hooks []func()
	return afterCommit(&hooks, db.write(ctx, func(w *wtx) error {
		t, err := tenantWhere(ctx, w, `id = ?`, id)
		if err != nil {
			return err
		}
		tx := db.platformOn(w, t, &hooks)
		return tx.run(fn(tx))
	}))
}

// afterCommit runs the hooks when err, a transaction's, is nil.
func afterCommit(hooks *[]func(), err error) error {
	if err == nil {
		for _, f := range *hooks {
			f()
		}
	}
	return err
}

// globalOn returns a globalTx over the write transaction w.
func (db *DB) globalOn(w *wtx) *globalTx {
	return &globalTx{txBase: txBase{q: w, sql: db.rewritten, hooks: new([]func())}, db: db, w: w}
}

// platformOn returns the platform transaction of tenant t on w.
func (db *DB) platformOn(w *wtx, t *tenantry.Tenant, hooks *[]func()) *platformTx {
	h := &TenantStore{db: db, id: t.ID}
	return &platformTx{writeTx{txBase: txBase{q: w, id: t.ID, tenant: t, hooks: hooks, sql: db.rewritten}, h: h, w: w}}
}

// run returns err, the error of the transaction's body, or that of its
// first failed statement.
func (tx *txBase) run(err error) error {
	if err != nil {
		return err
	}
	return tx.err
}

// globalTx is a core.GlobalTx over a write transaction (w).
type globalTx struct {
	txBase
	db      *DB
	w       *wtx
	entered *platformTx // the tenant's transaction Enter returned, on w
}

// run returns err, the error of the transaction's body, or that of its
// first failed statement, its own or the entered tenant's: one
// transaction, which either fails.
func (tx *globalTx) run(err error) error {
	if err = tx.txBase.run(err); err == nil && tx.entered != nil {
		err = tx.entered.err
	}
	return err
}

// Queue runs a statement at once; its error fails the transaction.
func (tx *globalTx) Queue(ctx context.Context, query string, args ...any) {
	_, _ = tx.Exec(ctx, query, args...)
}

// Invalidate adds invs to what the write transaction writes to the
// invalidations outbox before it commits.
func (tx *globalTx) Invalidate(invs ...tenantry.Invalidation) { tx.w.invalidate(invs...) }

// PlatformAudit writes a platform audit event.
func (tx *globalTx) PlatformAudit(ctx context.Context, ev *tenantry.AuditEvent) error {
	return tx.fail(platformAudit(ctx, tx.w, ev))
}

// Enter returns the transaction as tenant t's, whose row it inserted.
func (tx *globalTx) Enter(t *tenantry.Tenant) core.PlatformTx {
	tx.entered = tx.db.platformOn(tx.w, t, tx.hooks)
	return tx.entered
}

// platformTx is a core.PlatformTx: a tenant's write transaction with the
// platform's writes.
type platformTx struct {
	writeTx
}

// Invalidate adds invs to what the transaction writes to the outbox.
func (tx *platformTx) Invalidate(invs ...tenantry.Invalidation) { tx.w.invalidate(invs...) }

// PlatformAudit writes a platform audit event.
func (tx *platformTx) PlatformAudit(ctx context.Context, ev *tenantry.AuditEvent) error {
	return tx.fail(platformAudit(ctx, tx.w, ev))
}

// Event writes ev into the tenant's outbox.
func (tx *platformTx) Event(ctx context.Context, ev *tenantry.Event) error {
	return tx.fail(insertEvent(ctx, tx.w, ev))
}

// platformAudit writes ev, with an id after every id the store made
// before, into platform_audit.
func platformAudit(ctx context.Context, w *wtx, ev *tenantry.AuditEvent) error {
	ev.ID = w.newID()
	return insertPlatformAudit(ctx, w, ev)
}
