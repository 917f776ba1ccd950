package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// tenantColumns are the columns scanTenant reads, in order.
const tenantColumns = `id, name, slug, domain, plan, status, settings, limits, created_at, updated_at`

// scanTenant scans one tenant row.
func scanTenant(row interface{ Scan(...any) error }) (*tenantry.Tenant, error) {
	var t tenantry.Tenant
	var domain sql.NullString
	var settings, limits string
	if err := row.Scan(&t.ID, &t.Name, &t.Slug, &domain, &t.Plan, &t.Status, &settings, &limits,
		timeScan{&t.CreatedAt}, timeScan{&t.UpdatedAt}); err != nil {
		return nil, err
	}
	t.Domain = domain.String
	t.Settings = tenantry.Settings{}
	if err := json.Unmarshal([]byte(settings), &t.Settings); err != nil {
		return nil, fmt.Errorf("decode settings of tenant %s: %w", t.ID, err)
	}
	t.Limits = tenantry.Limits{}
	if err := json.Unmarshal([]byte(limits), &t.Limits); err != nil {
		return nil, fmt.Errorf("decode limits of tenant %s: %w", t.ID, err)
	}
	return &t, nil
}

// TenantStore is the handle bound to one tenant. It implements
// tenantry.TenantStore; every query it runs filters on its tenant id.
type TenantStore struct {
	// Rules are the rules of package core, over this handle's
	// transactions: members, invitations, API keys, chat, the audit
	// trail and the settings.
	core.Rules
	db  *DB
	id  string
	err error // tenant_required for a handle made with a bad id
}

var _ tenantry.TenantStore = (*TenantStore)(nil)

// Tenant returns the handle bound to tenantID. A handle made with an empty
// or non-UUID id fails every call with tenant_required.
func (db *DB) Tenant(tenantID string) tenantry.TenantStore {
	id, ok := tenantry.ParseID(tenantID)
	if !ok {
		return db.handle(&TenantStore{db: db, id: tenantID, err: tenantry.Errorf(tenantry.ETENANTREQUIRED, "A tenant is required.")})
	}
	return db.handle(&TenantStore{db: db, id: id})
}

// handle returns h with the rules of package core bound to it.
func (db *DB) handle(h *TenantStore) *TenantStore {
	h.Rules = core.New(h, &db.rules)
	return h
}

// ID returns the tenant id the handle is bound to.
func (h *TenantStore) ID() string { return h.id }

// Tenant returns the tenant itself (tenant_not_found).
func (h *TenantStore) Tenant(ctx context.Context) (*tenantry.Tenant, error) {
	var t *tenantry.Tenant
	err := h.Read(ctx, func(tx tenantry.Tx) error {
		var err error
		t, err = tx.Tenant(ctx)
		return err
	})
	return t, err
}
