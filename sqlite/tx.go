package sqlite

import (
	"context"

	"github.com/tenantry/tenantry"
)

// Write runs fn in one write transaction of the handle's tenant, on the
// store's writer (write.go): the tenant row is read first
// (tenant_not_found), and since SQLite's writer holds the whole database,
// nothing changes it until commit. Hooks added with AfterCommit run after
// a commit.
func (h *TenantStore) Write(ctx context.Context, fn func(tenantry.Tx) error) error {
	if h.err != nil {
		return h.err
	}
	return h.db.write(ctx, h.id, func(tx *connTx) error { return fn(tx) })
}

// Read runs fn with read-only access to the handle's tenant, on the
// readers (conn.go, connections that refuse writes): each statement runs
// on its own, prepared once per connection, and sees the rows committed
// when it starts, as on PostgreSQL. AfterCommit hooks run when fn returns
// nil.
func (h *TenantStore) Read(ctx context.Context, fn func(tenantry.Tx) error) error {
	if h.err != nil {
		return h.err
	}
	return h.db.readers.read(ctx, h.id, false, fn)
}
