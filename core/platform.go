package core

import (
	"context"
	"encoding/json"

	"github.com/tenantry/tenantry"
)

// Platform is tenantry.Platform for both backends, over a backend's
// Globals: a tenant's life (CreateTenant, UpdateTenant, SetTenantStatus,
// DeleteTenant, with what each audits on the platform trail and tells the
// tenant's event streams), the tenant list, export and import, usage, the
// outbox and the platform trail. A backend's DB.Platform returns it.
type Platform struct {
	g   Globals
	cfg *Config
}

var _ tenantry.Platform = (*Platform)(nil)

// NewPlatform returns the platform rules over g, with cfg, the store's.
func NewPlatform(g Globals, cfg *Config) Platform { return Platform{g: g, cfg: cfg} }

// errTenantNotFound is the tenant_not_found error.
func errTenantNotFound() error {
	return tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
}

// rowQuerier runs a query of one row: a GlobalTx or a PlatformTx.
type rowQuerier interface {
	QueryRow(ctx context.Context, query string, args ...any) tenantry.Row
}

// tenantTaken returns conflict when a tenant other than id has slug or
// domain ("" checks nothing), or when fresh and id itself exists. A
// concurrent change can still take them before commit: the unique indexes
// refuse it, as a conflict without the field.
func tenantTaken(ctx context.Context, tx rowQuerier, id, slug, domain string, fresh bool) error {
	var slugs, domains, ids int
	err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM tenants WHERE slug = $2 AND id <> $1),
		(SELECT count(*) FROM tenants WHERE domain = $3 AND id <> $1),
		(SELECT count(*) FROM tenants WHERE id = $1)`, id, slug, domain).Scan(&slugs, &domains, &ids)
	switch {
	case err != nil:
		return err
	case slugs > 0:
		return tenantry.Errorf(tenantry.ECONFLICT, "A tenant with this slug already exists.")
	case domains > 0:
		return tenantry.Errorf(tenantry.ECONFLICT, "A tenant with this domain already exists.")
	case fresh && ids > 0:
		return tenantry.Errorf(tenantry.ECONFLICT, "A tenant with this id already exists.")
	}
	return nil
}

// encodeJSON returns v as JSON text for a settings or limits column, with
// what decoding it gives back stored in *out, so the tenant returned is
// the one read later.
func encodeJSON[T ~map[string]V, V any](v T, out *T) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", tenantry.Invalid(map[string]string{"settings": "must be a JSON object"})
	}
	var back T
	if err := json.Unmarshal(raw, &back); err != nil {
		return "", err
	}
	if back == nil {
		back = T{}
	}
	*out = back
	return string(raw), nil
}

// tenantJSON returns t's settings and limits as JSON text for their
// columns, with what decoding them gives back stored in t (encodeJSON).
func tenantJSON(t *tenantry.Tenant) (settings, limits string, err error) {
	if settings, err = encodeJSON(t.Settings, &t.Settings); err != nil {
		return "", "", err
	}
	limits, err = encodeJSON(t.Limits, &t.Limits)
	return settings, limits, err
}

// createTenant creates tenant tc (validated) in tx and enters it: its
// platform event tenant.create, and with tc.OwnerID the owner's
// membership, audited on the tenant's trail as every member.add is, and
// made the owner's default tenant when they have none.
func createTenant(ctx context.Context, tx GlobalTx, cfg *Config, tc tenantry.TenantCreate) (*tenantry.Tenant, error) {
	var owner string
	if tc.OwnerID != "" {
		var ok bool
		if owner, ok = tenantry.ParseID(tc.OwnerID); !ok {
			return nil, errUserNotFound()
		}
	}
	now := tenantry.Now()
	t := &tenantry.Tenant{ID: tc.ID, Name: tc.Name, Slug: tc.Slug, Domain: tc.Domain, Plan: tc.Plan,
		Status: tenantry.TenantActive, Settings: tc.Settings, Limits: tc.Limits, CreatedAt: now, UpdatedAt: now}
	if t.ID == "" {
		t.ID = tenantry.NewID()
	}
	settings, limits, err := tenantJSON(t)
	if err != nil {
		return nil, err
	}
	if err := tenantTaken(ctx, tx, t.ID, t.Slug, t.Domain, true); err != nil {
		return nil, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO tenants (id, name, slug, domain, plan, status, settings, limits, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, t.Name, t.Slug, nullText(t.Domain), t.Plan, string(t.Status), settings, limits, now, now)
	if err != nil {
		return nil, err
	}
	ptx := tx.Enter(t)
	ev, err := tenantry.NewAuditEventData(ctx, t.ID, "tenant.create", "tenant", t.ID, map[string]any{"slug": t.Slug, "plan": t.Plan})
	if err != nil {
		return nil, err
	}
	if err := ptx.PlatformAudit(ctx, ev); err != nil || owner == "" {
		return t, err
	}
	if _, err := addMember(ctx, ptx, cfg, owner, tenantry.RoleOwner, ""); err != nil {
		return nil, err
	}
	if err := ptx.Audit(ctx, "member.add", "member", owner, map[string]any{"role": tenantry.RoleOwner}); err != nil {
		return nil, err
	}
	ptx.Queue(ctx, `UPDATE users SET default_tenant_id = $2 WHERE id = $1 AND default_tenant_id IS NULL`, owner, t.ID)
	return t, nil
}

// nullText is s, or nil (NULL) for "".
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateTenant creates a tenant, with tc.OwnerID as owner when set
// (validation_failed, conflict on slug, domain or id, not_found owner).
func (p Platform) CreateTenant(ctx context.Context, tc tenantry.TenantCreate) (*tenantry.Tenant, error) {
	if err := tc.Validate(p.cfg.Plans); err != nil {
		return nil, err
	}
	return write(ctx, p.g, func(tx GlobalTx) (*tenantry.Tenant, error) { return createTenant(ctx, tx, p.cfg, tc) })
}

// onTenant runs fn in a platform transaction of tenant id, its row locked
// (tenant_not_found), and returns the tenant fn returns.
func (p Platform) onTenant(ctx context.Context, id string, fn func(tx PlatformTx, t *tenantry.Tenant) error) (*tenantry.Tenant, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, errTenantNotFound()
	}
	var out *tenantry.Tenant
	err := p.g.Tenant(ctx, id, func(tx PlatformTx) error {
		t, err := tx.Tenant(ctx)
		if err != nil {
			return err
		}
		out = t
		return fn(tx, t)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// audit writes the platform event action about tx's tenant with data and,
// when tell is set, the same change into the tenant's outbox (ev, or the
// platform event itself when ev is nil): a change of the tenant itself
// reaches its event streams, which end on a suspension.
func audit(ctx context.Context, tx PlatformTx, action string, data map[string]any, tell func(*tenantry.AuditEvent) *tenantry.Event) error {
	ev, err := tenantry.NewAuditEventData(ctx, tx.TenantID(), action, "tenant", tx.TenantID(), data)
	if err != nil {
		return err
	}
	if err := tx.PlatformAudit(ctx, ev); err != nil || tell == nil {
		return err
	}
	return tx.Event(ctx, tell(ev))
}

// UpdateTenant changes a tenant's name, plan, domain, settings (merged,
// RFC 7386) or limits (merged), and audits exactly what was asked
// (tenant_not_found, validation_failed, conflict on domain).
func (p Platform) UpdateTenant(ctx context.Context, id string, tu tenantry.TenantUpdate) (*tenantry.Tenant, error) {
	if err := tu.Validate(p.cfg.Plans); err != nil {
		return nil, err
	}
	return p.onTenant(ctx, id, func(tx PlatformTx, t *tenantry.Tenant) error {
		changes := map[string]any{}
		if tu.Name != nil {
			t.Name, changes["name"] = *tu.Name, *tu.Name
		}
		if tu.Plan != nil {
			t.Plan, changes["plan"] = *tu.Plan, *tu.Plan
		}
		if tu.Domain != nil {
			t.Domain, changes["domain"] = *tu.Domain, *tu.Domain
		}
		if tu.SettingsPatch != nil {
			next := t.Settings.MergePatch(tu.SettingsPatch)
			if msg := next.Validate(); msg != "" {
				return tenantry.Invalid(map[string]string{"settings": msg})
			}
			t.Settings, changes["settings"] = next, tu.SettingsPatch
		}
		if tu.LimitsPatch != nil {
			t.Limits, changes["limits"] = t.Limits.MergePatch(tu.LimitsPatch), tu.LimitsPatch
		}
		settings, limits, err := tenantJSON(t)
		if err != nil {
			return err
		}
		if tu.Domain != nil {
			if err := tenantTaken(ctx, tx, t.ID, "", t.Domain, false); err != nil {
				return err
			}
		}
		t.UpdatedAt = tenantry.Now()
		tx.Queue(ctx, `UPDATE tenants SET name = $2, plan = $3, domain = $4, settings = $5, limits = $6, updated_at = $7 WHERE id = $1`,
			t.ID, t.Name, t.Plan, nullText(t.Domain), settings, limits, t.UpdatedAt)
		return audit(ctx, tx, "tenant.update", changes, func(ev *tenantry.AuditEvent) *tenantry.Event {
			return tenantry.TenantUpdatedEvent(ev, changes)
		})
	})
}

// statusAction is the platform event of a change to status s.
func statusAction(s tenantry.TenantStatus) string {
	switch s {
	case tenantry.TenantSuspended:
		return "tenant.suspend"
	case tenantry.TenantArchived:
		return "tenant.archive"
	}
	return "tenant.activate"
}

// SetTenantStatus suspends, activates or archives, audited with the
// statuses from and to (tenant_not_found, validation_failed for an unknown
// status).
func (p Platform) SetTenantStatus(ctx context.Context, id string, s tenantry.TenantStatus) (*tenantry.Tenant, error) {
	if !s.Valid() {
		return nil, tenantry.Invalid(map[string]string{"status": "must be active, suspended or archived"})
	}
	return p.onTenant(ctx, id, func(tx PlatformTx, t *tenantry.Tenant) error {
		from := t.Status
		t.Status, t.UpdatedAt = s, tenantry.Now()
		tx.Queue(ctx, `UPDATE tenants SET status = $2, updated_at = $3 WHERE id = $1`, t.ID, string(s), t.UpdatedAt)
		return audit(ctx, tx, statusAction(s), map[string]any{"from": from, "to": s}, tenantry.NewEvent)
	})
}

// DeleteTenant deletes the tenant and, through the foreign keys that
// cascade (tenantry.CheckTable requires them of every tenant table), every
// row of it; the platform event tenant.delete keeps its slug
// (tenant_not_found).
func (p Platform) DeleteTenant(ctx context.Context, id string) error {
	_, err := p.onTenant(ctx, id, func(tx PlatformTx, t *tenantry.Tenant) error {
		tx.Queue(ctx, `DELETE FROM tenants WHERE id = $1`, t.ID)
		return audit(ctx, tx, "tenant.delete", map[string]any{"slug": t.Slug}, nil)
	})
	return err
}
