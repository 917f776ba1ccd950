package sqlite

import (
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

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
