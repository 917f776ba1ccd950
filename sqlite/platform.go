package sqlite

import (
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// Platform holds every operation that crosses tenants. It implements
// tenantry.Platform; each change is audited in platform_audit.
type Platform struct {
	// Platform are the rules of a tenant's life (package core): its
	// creation, changes, status and deletion.
	core.Platform
	db *DB
}

var _ tenantry.Platform = (*Platform)(nil)
