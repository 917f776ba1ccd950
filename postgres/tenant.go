package postgres

import (
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
const lockTenantSQL = `SELECT ` + core.TenantColumns + ` FROM tenants t WHERE t.id = $1 FOR NO KEY UPDATE`
