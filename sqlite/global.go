package sqlite

import (
	"context"
	"errors"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// globals are the store's transactions over the global tables, on which
// package core's account and browser-session rules run.
func (db *DB) globals() core.Globals {
	return core.Globals{Write: db.globalWrite, Read: db.globalRead}
}

// globalWrite runs fn in one write transaction on the store's writer.
func (db *DB) globalWrite(ctx context.Context, fn func(core.GlobalTx) error) error {
	return db.write(ctx, func(w *wtx) error { return db.runGlobal(w, w, fn) })
}

// globalRead runs fn on the reader pool: each statement sees the rows
// committed when it starts.
func (db *DB) globalRead(ctx context.Context, fn func(core.GlobalTx) error) error {
	return dbErr(db.runGlobal(db.reader(), nil, fn))
}

// runGlobal runs fn with a globalTx over q (w, or the readers when w is
// nil) and returns its error or that of its first failed statement.
func (db *DB) runGlobal(q querier, w *wtx, fn func(core.GlobalTx) error) error {
	tx := db.globalOn(q, w)
	if err := fn(tx); err != nil {
		return err
	}
	return tx.err
}

// globalOn returns a globalTx over q: w, or the readers when w is nil.
func (db *DB) globalOn(q querier, w *wtx) *globalTx {
	return &globalTx{txBase: txBase{q: q, sql: db.rewritten}, w: w}
}

// globalTx is a core.GlobalTx over a write transaction (w) or the readers.
type globalTx struct {
	txBase
	w *wtx // nil in a read
}

// Queue runs a statement at once in a write; in a read it fails the
// transaction.
func (tx *globalTx) Queue(ctx context.Context, query string, args ...any) {
	if tx.w == nil {
		tx.txBase.Queue(ctx, query, args...)
		return
	}
	_, _ = tx.Exec(ctx, query, args...)
}

// Invalidate adds invs to what the write transaction writes to the
// invalidations outbox before it commits.
func (tx *globalTx) Invalidate(invs ...tenantry.Invalidation) {
	if tx.w != nil {
		tx.w.invalidate(invs...)
	}
}

// PlatformAudit writes a platform audit event, with an id after every id
// the store made before.
func (tx *globalTx) PlatformAudit(ctx context.Context, ev *tenantry.AuditEvent) error {
	if tx.w == nil {
		return errors.New("sqlite: PlatformAudit in a read transaction")
	}
	ev.ID = tx.w.newID()
	if err := insertPlatformAudit(ctx, tx.w, ev); err != nil {
		return tx.fail(err)
	}
	return nil
}
