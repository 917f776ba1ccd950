package postgres

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/tenantry/tenantry"
)

// Platform holds the operations that cross tenants. It implements
// tenantry.Platform; every change is audited in platform_audit.
type Platform struct {
	db *DB
}

var _ tenantry.Platform = (*Platform)(nil)

// Platform returns the cross-tenant operations.
func (db *DB) Platform() tenantry.Platform { return &Platform{db: db} }

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// createTenant inserts a validated tenant and its owner in tx. It leaves
// app.tenant_id set to the new tenant.
func (db *DB) createTenant(ctx context.Context, tx *wtx, tc tenantry.TenantCreate) (*tenantry.Tenant, error) {
	now := tenantry.Now()
	if tc.ID == "" {
		tc.ID = tenantry.NewID()
	}
	raw, err := json.Marshal(tc.Settings)
	if err != nil {
		return nil, tenantry.Invalid(map[string]string{"settings": "must be a JSON object"})
	}
	t := &tenantry.Tenant{ID: tc.ID, Name: tc.Name, Slug: tc.Slug, Domain: tc.Domain, Plan: tc.Plan,
		Status: tenantry.TenantActive, Settings: tenantry.Settings{}, CreatedAt: now, UpdatedAt: now}
	if err := json.Unmarshal(raw, &t.Settings); err != nil {
		return nil, err
	}
	t.Limits = tc.Limits
	if t.Limits == nil {
		t.Limits = tenantry.Limits{}
	}
	limits, err := json.Marshal(t.Limits)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO tenants (id, name, slug, domain, plan, status, settings, limits, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $8)`, t.ID, t.Name, t.Slug, nullString(t.Domain), t.Plan, string(raw), string(limits), now); err != nil {
		return nil, tenantConflict(err)
	}
	if err := db.execTenant(ctx, tx, t.ID); err != nil {
		return nil, err
	}
	// The platform's event first, then the owner's membership, in this
	// order on both backends.
	pe := tenantry.NewAuditEvent(ctx, t.ID, "tenant.create", "tenant", t.ID)
	if pe.Data, err = json.Marshal(map[string]any{"slug": t.Slug, "plan": t.Plan}); err != nil {
		return nil, err
	}
	if err := insertPlatformAudit(ctx, tx, pe); err != nil {
		return nil, err
	}
	if tc.OwnerID != "" {
		uid, ok := tenantry.ParseID(tc.OwnerID)
		if !ok {
			return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
		}
		ts := &TenantStore{db: db, id: t.ID}
		if _, err := ts.addMember(ctx, tx, t, uid, tenantry.RoleOwner); err != nil {
			return nil, err
		}
		// The owner's membership is audited in the tenant's trail, as
		// every member.add is, on both backends.
		if err := insertAudit(ctx, tx, auditEvent(ctx, t.ID, "member.add", "member", uid, map[string]any{"role": tenantry.RoleOwner})); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET default_tenant_id = $2 WHERE id = $1 AND default_tenant_id IS NULL`, uid, t.ID); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// CreateTenant creates a tenant, with tc.OwnerID as owner when set.
func (p *Platform) CreateTenant(ctx context.Context, tc tenantry.TenantCreate) (*tenantry.Tenant, error) {
	if err := tc.Validate(p.db.plans); err != nil {
		return nil, err
	}
	var t *tenantry.Tenant
	err := p.db.globalTx(ctx, nil, func(tx *wtx) error {
		var err error
		t, err = p.db.createTenant(ctx, tx, tc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Tenants lists tenants in creation order.
func (p *Platform) Tenants(ctx context.Context, f tenantry.TenantFilter) ([]*tenantry.Tenant, string, error) {
	limit, after, err := f.Page.Normalize()
	if err != nil {
		return nil, "", err
	}
	q := ""
	if s := strings.TrimSpace(f.Q); s != "" {
		q = "%" + escapeLike(s) + "%"
	}
	rows, err := p.db.pool.Query(ctx, `SELECT `+tenantColumns+` FROM tenants
		WHERE ($1::uuid IS NULL OR id > $1::uuid) AND ($2 = '' OR status = $2) AND ($3 = '' OR plan = $3)
		AND ($4 = '' OR name ILIKE $4 OR slug ILIKE $4 OR coalesce(domain, '') ILIKE $4)
		ORDER BY id LIMIT $5`, cached, nullID(after), string(f.Status), f.Plan, q, limit+1)
	if err != nil {
		return nil, "", mapErr(err)
	}
	var out []*tenantry.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			rows.Close()
			return nil, "", mapErr(err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, "", mapErr(err)
	}
	return page(out, limit, func(t *tenantry.Tenant) string { return t.ID })
}

func notFoundTenant() error { return tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.") }

// UpdateTenant changes a tenant (tenant_not_found, validation_failed,
// conflict on domain).
func (p *Platform) UpdateTenant(ctx context.Context, id string, tu tenantry.TenantUpdate) (*tenantry.Tenant, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, notFoundTenant()
	}
	if err := tu.Validate(p.db.plans); err != nil {
		return nil, err
	}
	var t *tenantry.Tenant
	b := &pgx.Batch{}
	queueLockTenant(b, id, &t)
	err := p.db.globalTx(ctx, b, func(tx *wtx) error {
		changes := map[string]any{}
		if tu.Name != nil {
			t.Name = *tu.Name
			changes["name"] = t.Name
		}
		if tu.Plan != nil {
			t.Plan = *tu.Plan
			changes["plan"] = t.Plan
		}
		if tu.Domain != nil {
			t.Domain = *tu.Domain
			changes["domain"] = t.Domain
		}
		if tu.SettingsPatch != nil {
			next := t.Settings.MergePatch(tu.SettingsPatch)
			if msg := next.Validate(); msg != "" {
				return tenantry.Invalid(map[string]string{"settings": msg})
			}
			t.Settings = next
			changes["settings"] = tu.SettingsPatch
		}
		if tu.LimitsPatch != nil {
			t.Limits = t.Limits.MergePatch(tu.LimitsPatch)
			changes["limits"] = tu.LimitsPatch
		}
		limits, err := json.Marshal(t.Limits)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(t.Settings)
		if err != nil {
			return tenantry.Invalid(map[string]string{"settings": "must be a JSON object"})
		}
		t.Settings = tenantry.Settings{}
		if err := json.Unmarshal(raw, &t.Settings); err != nil {
			return err
		}
		t.UpdatedAt = tenantry.Now()
		if _, err := tx.Exec(ctx, `UPDATE tenants SET name = $2, plan = $3, domain = $4, settings = $5, limits = $6, updated_at = $7 WHERE id = $1`,
			id, t.Name, t.Plan, nullString(t.Domain), string(raw), string(limits), t.UpdatedAt); err != nil {
			return tenantConflict(err)
		}
		ev := tenantry.NewAuditEvent(ctx, id, "tenant.update", "tenant", id)
		if ev.Data, err = json.Marshal(changes); err != nil {
			return err
		}
		if err := insertPlatformAudit(ctx, tx, ev); err != nil {
			return err
		}
		return p.db.insertTenantEvent(ctx, tx, tenantry.TenantUpdatedEvent(ev, changes))
	})
	if err != nil {
		return nil, err
	}
	p.db.eventsCommitted(id)
	return t, nil
}

// SetTenantStatus suspends, activates or archives (tenant_not_found).
func (p *Platform) SetTenantStatus(ctx context.Context, id string, s tenantry.TenantStatus) (*tenantry.Tenant, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, notFoundTenant()
	}
	if !s.Valid() {
		return nil, tenantry.Invalid(map[string]string{"status": "must be active, suspended or archived"})
	}
	action := map[tenantry.TenantStatus]string{tenantry.TenantActive: "tenant.activate",
		tenantry.TenantSuspended: "tenant.suspend", tenantry.TenantArchived: "tenant.archive"}[s]
	var t *tenantry.Tenant
	b := &pgx.Batch{}
	b.Queue(`UPDATE tenants SET status = $2, updated_at = $3 WHERE id = $1 RETURNING `+tenantColumns,
		id, string(s), tenantry.Now()).QueryRow(func(row pgx.Row) error {
		var err error
		t, err = scanTenant(row)
		return tenantNotFound(err)
	})
	err := p.db.globalTx(ctx, b, func(tx *wtx) error {
		ev := tenantry.NewAuditEvent(ctx, id, action, "tenant", id)
		if err := insertPlatformAudit(ctx, tx, ev); err != nil {
			return err
		}
		return p.db.insertTenantEvent(ctx, tx, tenantry.NewEvent(ev))
	})
	if err != nil {
		return nil, err
	}
	p.db.eventsCommitted(id)
	return t, nil
}

// DeleteTenant deletes the tenant and every row of it (tenant_not_found).
func (p *Platform) DeleteTenant(ctx context.Context, id string) error {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return notFoundTenant()
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM tenants WHERE id = $1`, id).Exec(func(ct pgconn.CommandTag) error {
		if ct.RowsAffected() == 0 {
			return notFoundTenant()
		}
		return nil
	})
	return p.db.globalTx(ctx, b, func(tx *wtx) error {
		return insertPlatformAudit(ctx, tx, tenantry.NewAuditEvent(ctx, id, "tenant.delete", "tenant", id))
	})
}

// TenantUsage returns a tenant's usage (tenant_not_found).
func (p *Platform) TenantUsage(ctx context.Context, id string) (tenantry.Usage, error) {
	var u tenantry.Usage
	id, ok := tenantry.ParseID(id)
	if !ok {
		return u, notFoundTenant()
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT 1 FROM tenants WHERE id = $1`, id).QueryRow(func(row pgx.Row) error {
		return tenantNotFound(row.Scan(new(int)))
	})
	queueUsage(b, id, &u)
	err := p.db.tenantRead(ctx, id, b)
	return u, err
}

// AddUsage adds counts to counter of today for every tenant in counts,
// in one round trip: one INSERT ... VALUES a tenant with its id bound,
// which Citus routes to the tenant's shard (an INSERT ... SELECT into a
// distributed table runs there as a COPY, which row level security
// refuses), in id order, so that concurrent flushes lock the counters in
// the same order. It is the one writer of the usage_counters_flush_*
// policies (migration 00003): app.usage_flush is set to 'on' in this
// transaction only, so that its upserts may write the counters of many
// tenants. An id that names no tenant (deleted since it was counted)
// fails the transaction on its foreign key: then the ids that name one
// are read, and the flush runs again with them alone (more round trips,
// on that path only).
func (p *Platform) AddUsage(ctx context.Context, counter string, counts map[string]int64) error {
	if counter == "" {
		return tenantry.Invalid(map[string]string{"counter": "required"})
	}
	add := make([]usageCount, 0, len(counts))
	for raw, n := range counts {
		if id, ok := tenantry.ParseID(raw); ok {
			add = append(add, usageCount{id: id, n: n})
		}
	}
	slices.SortFunc(add, func(a, b usageCount) int { return strings.Compare(a.id, b.id) })
	day := today()
	err := p.addUsage(ctx, counter, day, add)
	if !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
		return err
	}
	ids := make([]string, len(add))
	for i, c := range add {
		ids[i] = c.id
	}
	rows, err := p.db.pool.Query(ctx, `SELECT id::text FROM tenants WHERE id = ANY($1::uuid[])`, cached, ids)
	if err != nil {
		return mapErr(err)
	}
	known, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return mapErr(err)
	}
	exists := make(map[string]bool, len(known))
	for _, id := range known {
		exists[id] = true
	}
	add = slices.DeleteFunc(add, func(c usageCount) bool { return !exists[c.id] })
	return p.addUsage(ctx, counter, day, add)
}

// usageCount is one tenant's count of an AddUsage.
type usageCount struct {
	id string
	n  int64
}

// addUsage writes counts of day in one transaction and one round trip.
func (p *Platform) addUsage(ctx context.Context, counter, day string, counts []usageCount) error {
	if len(counts) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue("SET LOCAL app.usage_flush = 'on'")
	for _, c := range counts {
		b.Queue(`INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id, day, counter) DO UPDATE SET value = usage_counters.value + EXCLUDED.value`,
			c.id, day, counter, c.n)
	}
	b.Queue("COMMIT")
	return p.db.rawBatch(ctx, b)
}

// AuditEvents lists platform and tenant events across tenants, newest
// first; f.TenantID narrows to one tenant. Without it, this is the one
// reader of the audit_events_platform_read policy: app.platform is set to
// 'on' in this transaction only.
func (p *Platform) AuditEvents(ctx context.Context, f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error) {
	limit, before, err := f.Page.Normalize()
	if err != nil {
		return nil, "", err
	}
	where := ""
	args := []any{nullID(before), f.Action, limit + 1}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	if f.TenantID != "" {
		id, ok := tenantry.ParseID(f.TenantID)
		if !ok {
			return []*tenantry.AuditEvent{}, "", nil
		}
		p.db.queueTenant(b, id)
		args = append(args, id)
		where = " AND tenant_id = $4"
	} else {
		b.Queue("SET LOCAL app.platform = 'on'")
	}
	var out []*tenantry.AuditEvent
	b.Queue(`SELECT * FROM (
		SELECT `+auditColumns+` FROM audit_events
		UNION ALL
		SELECT subject_tenant_id AS tenant_id, id, actor_type, actor_id, action, target_type, target_id, at, request_id, data FROM platform_audit
		) e WHERE ($1::uuid IS NULL OR id < $1::uuid) AND ($2 = '' OR action = $2)`+where+`
		ORDER BY id DESC LIMIT $3`, args...).Query(func(rows pgx.Rows) error {
		return scanAudits(rows, &out)
	})
	b.Queue("COMMIT")
	if err := p.db.rawBatch(ctx, b); err != nil {
		return nil, "", err
	}
	return page(out, limit, func(e *tenantry.AuditEvent) string { return e.ID })
}
