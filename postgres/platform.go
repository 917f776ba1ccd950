package postgres

import (
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// Platform holds the operations that cross tenants. It implements
// tenantry.Platform; every change is audited in platform_audit.
type Platform struct {
	// Platform are the rules of a tenant's life (package core): its
	// creation, changes, status and deletion.
	core.Platform
	db *DB
}

var _ tenantry.Platform = (*Platform)(nil)

// Platform returns the cross-tenant operations.
func (db *DB) Platform() tenantry.Platform { return db.platform }

func notFoundTenant() error { return tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.") }
