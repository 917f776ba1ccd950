package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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

// tenantWhere returns the tenant that matches the condition (one ? bound to
// arg), or tenant_not_found.
func tenantWhere(ctx context.Context, q querier, cond string, arg any) (*tenantry.Tenant, error) {
	t, err := scanTenant(q.QueryRowContext(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
	} else if err != nil {
		return nil, dbErr(fmt.Errorf("read tenant: %w", err))
	}
	return t, nil
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

// write runs fn in one write transaction with the handle's tenant row read
// inside it (tenant_not_found when the tenant does not exist).
func (h *TenantStore) write(ctx context.Context, fn func(tx *wtx, t *tenantry.Tenant) error) error {
	if h.err != nil {
		return h.err
	}
	return h.db.write(ctx, func(tx *wtx) error {
		t, err := tenantWhere(ctx, tx, `id = ?`, h.id)
		if err != nil {
			return err
		}
		return fn(tx, t)
	})
}

// audit writes an audit event of the handle's tenant in tx.
func (h *TenantStore) audit(ctx context.Context, tx *wtx, action, targetType, targetID string, data any) error {
	ev, err := tenantry.NewAuditEventData(ctx, h.id, action, targetType, targetID, data)
	if err != nil {
		return err
	}
	ev.ID = tx.newID()
	return insertAudit(ctx, tx, ev)
}

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
