package core

import (
	"context"

	"github.com/tenantry/tenantry"
)

// GlobalTx is a transaction over the global tables, the rows of no tenant:
// users, their refresh tokens and password resets, browser sessions and
// their handovers, and the platform audit. Statements use $1, $2, ... and
// values bind and scan as in tenantry.Tx; errors come back as tenantry
// errors the same way (no row is not_found, a unique violation conflict, a
// foreign key violation not_found). On PostgreSQL it runs without
// app.tenant_id, so row level security hides every tenant's row.
type GlobalTx interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Query runs a query; the caller closes the rows.
	Query(ctx context.Context, query string, args ...any) (tenantry.Rows, error)
	// QueryRow runs a query that returns at most one row.
	QueryRow(ctx context.Context, query string, args ...any) tenantry.Row
	// Queue runs a statement whose result the caller does not need, before
	// the next statement that returns one or at commit; its error fails the
	// transaction. It is for writes.
	Queue(ctx context.Context, query string, args ...any)
	// Invalidate adds invs to what the transaction writes to the
	// invalidations outbox before it commits and tells the process after.
	// It is for writes: a read transaction commits nothing.
	Invalidate(invs ...tenantry.Invalidation)
	// PlatformAudit writes a platform audit event and its invalidations.
	PlatformAudit(ctx context.Context, ev *tenantry.AuditEvent) error
	// Enter binds the transaction, a write that has just inserted tenant
	// t's row, to t from here on and returns it as t's: on PostgreSQL
	// app.tenant_id is set, so the tenant's own rows can be written.
	Enter(t *tenantry.Tenant) PlatformTx
}

// PlatformTx is a write transaction of the platform on one tenant: the
// tenant's rows, as in tenantry.Tx (Tenant is the tenant's row, locked,
// whatever its status), and the platform's writes about it.
type PlatformTx interface {
	tenantry.Tx
	// Invalidate and PlatformAudit are as in GlobalTx.
	Invalidate(invs ...tenantry.Invalidation)
	PlatformAudit(ctx context.Context, ev *tenantry.AuditEvent) error
	// Event writes ev into the tenant's outbox, which its event streams
	// read.
	Event(ctx context.Context, ev *tenantry.Event) error
}

// Globals are a backend's transactions outside one tenant's: Write runs fn
// in one write transaction over the global tables, Read with read-only
// access in which each statement sees the rows committed when it starts,
// Tenant is the platform's write on one tenant, User a read as one user,
// Trails the platform's read of the audit trails, Snapshot its read of
// one tenant at one moment and Sweep its write across tenants. A backend passes its
// own unexported functions, so none of them is part of any store's API: a
// builder's code reaches rows through a tenant only.
type Globals struct {
	Write func(ctx context.Context, fn func(GlobalTx) error) error
	Read  func(ctx context.Context, fn func(GlobalTx) error) error
	// Tenant runs fn in one write transaction of tenant id (a canonical
	// UUID), its row locked first (tenant_not_found), whatever its status.
	Tenant func(ctx context.Context, id string, fn func(PlatformTx) error) error
	// User runs fn with read-only access as Read does, where user id (a
	// canonical UUID) may also read their own member rows of every
	// tenant.
	User func(ctx context.Context, id string, fn func(GlobalTx) error) error
	// Trails runs fn with read-only access as Read does, where the audit
	// trail of tenant id may also be read, or with id "" every tenant's.
	Trails func(ctx context.Context, id string, fn func(GlobalTx) error) error
	// Snapshot runs fn with read-only access to the rows of tenant id (a
	// canonical UUID), whatever its status, in one transaction whose
	// statements all see the rows committed when its first began: an
	// export is one consistent copy.
	Snapshot func(ctx context.Context, id string, fn func(tenantry.Tx) error) error
	// Sweep runs fn in one write transaction over the global tables in
	// which the platform's two writes across tenants are allowed: pruning
	// every tenant's outbox and adding to many tenants' usage counters
	// (on PostgreSQL, the tenant_events_platform_prune and
	// usage_counters_flush_* policies, for this transaction only).
	Sweep func(ctx context.Context, fn func(GlobalTx) error) error
}

// read runs fn in a read transaction and returns its value.
func read[T any](ctx context.Context, g Globals, fn func(tx GlobalTx) (T, error)) (T, error) {
	var v T
	err := g.Read(ctx, func(tx GlobalTx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v, err
}

// write runs fn in a write transaction and returns its value.
func write[T any](ctx context.Context, g Globals, fn func(tx GlobalTx) (T, error)) (T, error) {
	var v T
	err := g.Write(ctx, func(tx GlobalTx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v, err
}
