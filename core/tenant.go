package core

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tenantry/tenantry"
)

// TenantColumns are the columns ScanTenant reads, in order, of the tenants
// table under alias t: a backend's transaction reads its tenant with them.
const TenantColumns = `t.id, t.name, t.slug, coalesce(t.domain, ''), t.plan, t.status, t.settings, t.limits,
	t.created_at, t.updated_at`

// ScanTenant scans one row of TenantColumns, after the destinations in
// before; its times are in UTC.
func ScanTenant(row interface{ Scan(dest ...any) error }, before ...any) (*tenantry.Tenant, error) {
	var (
		t                tenantry.Tenant
		status           string
		settings, limits []byte
	)
	if err := row.Scan(append(before, &t.ID, &t.Name, &t.Slug, &t.Domain, &t.Plan, &status, &settings, &limits,
		&t.CreatedAt, &t.UpdatedAt)...); err != nil {
		return nil, err
	}
	t.Status, t.Settings, t.Limits = tenantry.TenantStatus(status), tenantry.Settings{}, tenantry.Limits{}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	if err := json.Unmarshal(settings, &t.Settings); err != nil {
		return nil, fmt.Errorf("decode settings of tenant %s: %w", t.ID, err)
	}
	if err := json.Unmarshal(limits, &t.Limits); err != nil {
		return nil, fmt.Errorf("decode limits of tenant %s: %w", t.ID, err)
	}
	return &t, nil
}

// Tenant returns the handle's tenant (tenant_not_found), in a read
// transaction of its own.
func (r Rules) Tenant(ctx context.Context) (*tenantry.Tenant, error) {
	var t *tenantry.Tenant
	err := r.ts.Read(ctx, func(tx tenantry.Tx) error {
		var err error
		t, err = tx.Tenant(ctx)
		return err
	})
	return t, err
}

// escapeLike escapes the wildcards of a LIKE pattern (ESCAPE '\').
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Tenants lists tenants in creation order, filtered by status, plan and a
// text that the name, slug or domain contains, in any case.
func (p Platform) Tenants(ctx context.Context, f tenantry.TenantFilter) ([]*tenantry.Tenant, string, error) {
	limit, after, err := start(f.Page)
	if err != nil {
		return nil, "", err
	}
	like := ""
	if q := strings.TrimSpace(f.Q); q != "" {
		like = "%" + escapeLike(strings.ToLower(q)) + "%"
	}
	var out []*tenantry.Tenant
	var last string
	err = p.g.Read(ctx, func(tx GlobalTx) error {
		rows, err := tx.Query(ctx, `SELECT `+TenantColumns+` FROM tenants t
			WHERE t.id > $1 AND ($2 = '' OR t.status = $2) AND ($3 = '' OR t.plan = $3)
			AND ($4 = '' OR lower(t.name) LIKE $4 ESCAPE '\' OR t.slug LIKE $4 ESCAPE '\'
				OR lower(coalesce(t.domain, '')) LIKE $4 ESCAPE '\')
			ORDER BY t.id LIMIT $5`, after, string(f.Status), f.Plan, like, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := ScanTenant(rows)
			if err != nil {
				return err
			}
			if len(out) < limit {
				last = t.ID
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	switch {
	case err != nil:
		return nil, "", err
	case len(out) > limit:
		return out[:limit], tenantry.Cursor(last), nil
	case out == nil:
		return []*tenantry.Tenant{}, "", nil
	}
	return out, "", nil
}

// tenantWhere reads the tenant whose column (id, slug or domain) is v, in
// a global read (tenant_not_found).
func (a Accounts) tenantWhere(ctx context.Context, column, v string) (*tenantry.Tenant, error) {
	return read(ctx, a.g, func(tx GlobalTx) (*tenantry.Tenant, error) { return tenantRow(ctx, tx, column, v) })
}

// tenantRow reads the tenant whose column (id, slug or domain) is v in tx
// (tenant_not_found).
func tenantRow(ctx context.Context, tx rowQuerier, column, v string) (*tenantry.Tenant, error) {
	t, err := ScanTenant(tx.QueryRow(ctx, `SELECT `+TenantColumns+` FROM tenants t WHERE t.`+column+` = $1`, v))
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, errTenantNotFound()
	}
	return t, err
}

// TenantByID finds a tenant by id in the tenant directory
// (tenant_not_found).
func (a Accounts) TenantByID(ctx context.Context, id string) (*tenantry.Tenant, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, errTenantNotFound()
	}
	return a.tenantWhere(ctx, "id", id)
}

// TenantBySlug finds a tenant by slug, in any case (tenant_not_found).
func (a Accounts) TenantBySlug(ctx context.Context, slug string) (*tenantry.Tenant, error) {
	slug = strings.ToLower(strings.TrimSpace(slug))
	if !tenantry.ValidSlug(slug) {
		return nil, errTenantNotFound()
	}
	return a.tenantWhere(ctx, "slug", slug)
}

// TenantByDomain finds a tenant by its custom domain, normalized
// (tenant_not_found).
func (a Accounts) TenantByDomain(ctx context.Context, domain string) (*tenantry.Tenant, error) {
	domain = tenantry.NormalizeDomain(domain)
	if domain == "" {
		return nil, errTenantNotFound()
	}
	return a.tenantWhere(ctx, "domain", domain)
}
