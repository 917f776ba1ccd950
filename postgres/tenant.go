package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// TenantStore is the handle bound to one tenant. It implements
// tenantry.TenantStore; every query sets app.tenant_id for row level
// security and also filters tenant_id explicitly.
type TenantStore struct {
	// Rules are the rules of package core, over this handle's
	// transactions: members, invitations, API keys, chat, the audit
	// trail and the settings.
	core.Rules
	db *DB
	// id is the tenant id as tenantry.ParseID returned it, or "" when the
	// handle was made with an invalid id.
	id  string
	raw string
}

var _ tenantry.TenantStore = (*TenantStore)(nil)

// Tenant returns the handle bound to tenantID.
func (db *DB) Tenant(tenantID string) tenantry.TenantStore {
	id, _ := tenantry.ParseID(tenantID)
	s := &TenantStore{db: db, id: id, raw: tenantID}
	s.Rules = core.New(s, &db.rules)
	return s
}

// ID returns the tenant id the handle is bound to.
func (s *TenantStore) ID() string {
	if s.id != "" {
		return s.id
	}
	return s.raw
}

func (s *TenantStore) check() error {
	if s.id == "" {
		return tenantry.Errorf(tenantry.ETENANTREQUIRED, "A tenant is required.")
	}
	return nil
}

const tenantColumns = `id, name, slug, coalesce(domain, ''), plan, status, settings, limits, created_at, updated_at`

// tenantRow receives the tenantColumns of a row.
type tenantRow struct {
	t        tenantry.Tenant
	status   string
	settings []byte
	limits   []byte
}

func (r *tenantRow) dest() []any {
	return []any{&r.t.ID, &r.t.Name, &r.t.Slug, &r.t.Domain, &r.t.Plan, &r.status, &r.settings, &r.limits, &r.t.CreatedAt, &r.t.UpdatedAt}
}

func (r *tenantRow) tenant() (*tenantry.Tenant, error) {
	t := r.t
	t.Status = tenantry.TenantStatus(r.status)
	t.Settings = tenantry.Settings{}
	if err := json.Unmarshal(r.settings, &t.Settings); err != nil {
		return nil, fmt.Errorf("decode settings: %w", err)
	}
	t.Limits = tenantry.Limits{}
	if err := json.Unmarshal(r.limits, &t.Limits); err != nil {
		return nil, fmt.Errorf("decode limits: %w", err)
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

func scanTenant(row pgx.Row) (*tenantry.Tenant, error) {
	var r tenantRow
	if err := row.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.tenant()
}

func tenantNotFound(err error) error {
	if err == pgx.ErrNoRows {
		return tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
	}
	return err
}

// lockTenantSQL reads a tenant and locks its row until the transaction
// ends, which serialises the quota checks of the tenant with one another
// and with changes to the tenant (plan, settings, status, deletion). The
// lock is FOR NO KEY UPDATE: it conflicts with itself and with every
// UPDATE or DELETE of the row, but not with the FOR KEY SHARE that the
// foreign keys of the tenant's other writes (a task, an audit event) take,
// so those do not queue behind a quota check and its commit. (Those of
// the locking transaction itself are covered by the stronger lock it
// already holds, and write nothing more to the row.)
const lockTenantSQL = `SELECT ` + tenantColumns + ` FROM tenants WHERE id = $1 FOR NO KEY UPDATE`

func (db *DB) tenantWhere(ctx context.Context, where string, arg any) (*tenantry.Tenant, error) {
	t, err := scanTenant(db.pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE `+where, cached, arg))
	if err != nil {
		return nil, mapErr(tenantNotFound(err))
	}
	return t, nil
}

// Tenant returns the handle's tenant (tenant_not_found).
func (s *TenantStore) Tenant(ctx context.Context) (*tenantry.Tenant, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.db.tenantWhere(ctx, "id = $1", s.id)
}
