package postgres

import "github.com/tenantry/tenantry"

// Platform returns the cross-tenant operations (package core's, over the
// store's global transactions): each change is audited in platform_audit.
func (db *DB) Platform() tenantry.Platform { return db.platform }

// notFoundTenant is the tenant_not_found error.
func notFoundTenant() error { return tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.") }
