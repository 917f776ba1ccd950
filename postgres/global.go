package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// globals are the store's transactions over the global tables, on which
// package core's account and browser-session rules run: a pgTx with no
// tenant, as the runtime role, so row level security hides every
// tenant's row.
func (db *DB) globals() core.Globals {
	return core.Globals{Write: db.globalWrite, Read: db.globalRead}
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
	tx.pending.Queue(insertPlatformAuditSQL, platformAuditArgs(ev)...)
	tx.invs = append(tx.invs, ev.Invalidations()...)
	return nil
}
