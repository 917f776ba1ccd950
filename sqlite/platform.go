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

// platformTenantAudit writes a platform event about tenant tenantID in tx
// and the same change into the tenant's outbox: a change of the tenant
// itself (its plan, limits, status, an import) reaches its event streams,
// which end on a suspension.
func platformTenantAudit(ctx context.Context, tx *wtx, tenantID, action string, data any) error {
	ev, err := writePlatformAudit(ctx, tx, tenantID, action, data)
	if err != nil {
		return err
	}
	return insertEvent(ctx, tx, tenantry.NewEvent(ev))
}

// writePlatformAudit writes and returns a platform event about tenant
// tenantID.
func writePlatformAudit(ctx context.Context, tx *wtx, tenantID, action string, data any) (*tenantry.AuditEvent, error) {
	ev, err := tenantry.NewAuditEventData(ctx, tenantID, action, "tenant", tenantID, data)
	if err != nil {
		return nil, err
	}
	ev.ID = tx.newID()
	return ev, insertPlatformAudit(ctx, tx, ev)
}

// tenantConflict maps a unique violation of the tenants table to conflict.
func tenantConflict(err error) error {
	switch {
	case isUnique(err, "tenants.slug"):
		return tenantry.Errorf(tenantry.ECONFLICT, "A tenant with this slug already exists.")
	case isUnique(err, "tenants.domain"):
		return tenantry.Errorf(tenantry.ECONFLICT, "A tenant with this domain already exists.")
	case isUnique(err, "tenants.id"):
		return tenantry.Errorf(tenantry.ECONFLICT, "A tenant with this id already exists.")
	}
	return nil
}

// insertTenant inserts the row of t, a new or an imported tenant
// (conflict on its id, slug or domain).
func insertTenant(ctx context.Context, tx *wtx, t *tenantry.Tenant) error {
	settings, err := encSettings(t.Settings)
	if err != nil {
		return err
	}
	limits, err := encLimits(t.Limits)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tenants (`+tenantColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.Name, t.Slug, nullString(t.Domain), t.Plan, string(t.Status), settings, limits, encTime(t.CreatedAt), encTime(t.UpdatedAt))
	if c := tenantConflict(err); c != nil {
		return c
	} else if err != nil {
		return fmt.Errorf("insert tenant: %w", err)
	}
	return nil
}

// tenantForUpdate reads the tenant id in tx (tenant_not_found).
func tenantForUpdate(ctx context.Context, tx querier, id string) (*tenantry.Tenant, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
	}
	return tenantWhere(ctx, tx, `id = ?`, id)
}

// TenantUsage returns a tenant's usage (tenant_not_found).
func (p *Platform) TenantUsage(ctx context.Context, id string) (tenantry.Usage, error) {
	var u tenantry.Usage
	err := p.db.read(ctx, func(tx *rtx) error {
		t, err := tenantForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		u, err = tenantUsage(ctx, tx, t.ID)
		return err
	})
	return u, err
}

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
