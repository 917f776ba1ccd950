package sqlite

import (
	"context"
	"fmt"

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

// AddUsage adds counts to counter of today for every tenant in counts, in
// one write transaction; ids that name no tenant are skipped.
func (p *Platform) AddUsage(ctx context.Context, counter string, counts map[string]int64) error {
	if counter == "" {
		return tenantry.Invalid(map[string]string{"counter": "required"})
	}
	if len(counts) == 0 {
		return nil
	}
	day := today()
	return p.db.write(ctx, func(tx *wtx) error {
		for id, n := range counts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO usage_counters (tenant_id, day, counter, value)
				SELECT id, ?, ?, ? FROM tenants WHERE id = ?
				ON CONFLICT (tenant_id, day, counter) DO UPDATE SET value = value + excluded.value`,
				day, counter, n, id); err != nil {
				return fmt.Errorf("add usage: %w", err)
			}
		}
		return nil
	})
}
