package projects

import (
	"context"
	"strings"

	"github.com/tenantry/tenantry"
)

// projectColumns are the columns scanProject reads: a tenant's own queries
// know its id, so tenant_id is not read back.
const projectColumns = `id, name, description, is_active, created_at, updated_at`

// scanProject scans one projectColumns row of tenant tenantID.
func scanProject(row tenantry.Row, tenantID string) (*tenantry.Project, error) {
	p := &tenantry.Project{TenantID: tenantID}
	if err := row.Scan(&p.ID, &p.Name, &p.Description, &p.IsActive, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	return p, nil
}

func projectNotFound() error { return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.") }

// projectErr names the project in the transaction's not_found and conflict
// errors (a project's only unique key is its name).
func projectErr(err error) error {
	switch tenantry.ErrorCode(err) {
	case tenantry.ENOTFOUND:
		return projectNotFound()
	case tenantry.ECONFLICT:
		return tenantry.Errorf(tenantry.ECONFLICT, "A project with this name already exists.")
	}
	return err
}

// CreateProject creates a project (validation_failed, conflict on the name,
// plan_limit over max_projects, tenant_not_found). The checks, under the
// tenant row's lock, and the insert with its audit event are one
// transaction: on PostgreSQL two round trips, the first with BEGIN, the
// tenant, the lock and the checks' query, the second with the INSERTs and
// COMMIT.
func (s Service) CreateProject(ctx context.Context, pc tenantry.ProjectCreate) (*tenantry.Project, error) {
	if err := pc.Validate(); err != nil {
		return nil, err
	}
	now := tenantry.Now()
	p := &tenantry.Project{ID: tenantry.NewID(), TenantID: s.ts.ID(), Name: pc.Name, Description: pc.Description,
		IsActive: pc.IsActive == nil || *pc.IsActive, CreatedAt: now, UpdatedAt: now}
	err := s.ts.Write(ctx, func(tx tenantry.Tx) error {
		if err := s.checkCreate(ctx, tx, p.Name); err != nil {
			return err
		}
		tx.Queue(ctx, `INSERT INTO projects (tenant_id, `+projectColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			tx.TenantID(), p.ID, p.Name, p.Description, p.IsActive, p.CreatedAt, p.UpdatedAt)
		return tx.Audit(ctx, "project.create", "project", p.ID, map[string]any{"name": p.Name})
	})
	if err != nil {
		return nil, projectErr(err)
	}
	return p, nil
}

// countCap bounds the count of a tenant's projects: a count that reaches it
// is counted again without a bound only when the tenant's limit is above
// it, so a tenant with many projects and no limit never pays for a full
// count.
const countCap = 10_001

// checkCreateSQL counts the tenant's projects (up to $2) and says whether
// name $3 is taken. The count is skipped (-1) for a tenant whose plan sets
// no max_projects ($4 lists, as ",a,b,", the plans that set one) and whose
// limits hold no override of it, as tenantry.Plans.Limit reads them, so a
// tenant with many projects and no limit pays nothing for a count.
const checkCreateSQL = `SELECT CASE
		WHEN $4 NOT LIKE '%,' || t.plan || ',%' AND coalesce(CAST(t.limits AS TEXT), '') NOT LIKE '%"max_projects"%' THEN -1
		ELSE (SELECT count(*) FROM (SELECT 1 FROM projects WHERE tenant_id = $1 LIMIT $2) c)
	END,
	EXISTS (SELECT 1 FROM projects WHERE tenant_id = $1 AND name = $3)
	FROM tenants t WHERE t.id = $1`

// checkCreate returns plan_limit when the tenant has max_projects projects
// or more, else conflict when name is taken, in that order. The tenant's
// row is locked first, in the same round trip, so concurrent creates of
// one tenant check one after the other; and a taken name is found before
// the INSERT rather than by it, since a failed statement costs more than
// its answer (PostgreSQL aborts the transaction and pgx prepares the
// round trip's statements again).
func (s Service) checkCreate(ctx context.Context, tx tenantry.Tx, name string) error {
	var (
		n     int64
		taken bool
	)
	if err := tx.QueryRow(ctx, checkCreateSQL, tx.TenantID(), countCap, name, s.limited).Scan(&n, &taken); err != nil {
		return err
	}
	t, err := tx.Tenant(ctx)
	if err != nil {
		return err
	}
	if limit := s.plans.Limit(t, tenantry.LimitMaxProjects); limit != tenantry.Unlimited {
		if n < 0 || n == countCap && limit > countCap {
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM projects WHERE tenant_id = $1`, tx.TenantID()).Scan(&n); err != nil {
				return err
			}
		}
		if !tenantry.Within(n, limit) {
			return tenantry.Errorf(tenantry.EPLANLIMIT, "The %s plan allows %d projects.", t.Plan, limit)
		}
	}
	if taken {
		return tenantry.Errorf(tenantry.ECONFLICT, "A project with this name already exists.")
	}
	return nil
}

// Project returns a project (not_found).
func (s Service) Project(ctx context.Context, id string) (*tenantry.Project, error) {
	p, err := get(ctx, s.ts, `SELECT `+projectColumns+` FROM projects WHERE tenant_id = $1 AND id = $2`, id, scanProject)
	if err != nil {
		return nil, projectErr(err)
	}
	return p, nil
}

// Projects lists projects in creation order. f.Q matches the name or the
// description as a substring, ignoring the case of ASCII letters.
func (s Service) Projects(ctx context.Context, f tenantry.ProjectFilter) ([]*tenantry.Project, string, error) {
	limit, after, err := start(f.Page)
	if err != nil {
		return nil, "", err
	}
	args := []any{s.ts.ID()}
	var sb strings.Builder
	sb.WriteString(`SELECT ` + projectColumns + ` FROM projects WHERE tenant_id = $1 AND id > ` + placeholder(&args, after))
	if f.IsActive != nil {
		sb.WriteString(` AND is_active = ` + placeholder(&args, *f.IsActive))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		n := placeholder(&args, "%"+escapeLike(asciiLower(q))+"%")
		sb.WriteString(` AND (lower(name) LIKE ` + n + ` ESCAPE '\' OR lower(description) LIKE ` + n + ` ESCAPE '\')`)
	}
	sb.WriteString(` ORDER BY id LIMIT ` + placeholder(&args, limit+1))
	return list(ctx, s.ts, sb.String(), args, limit, scanProject, func(p *tenantry.Project) string { return p.ID })
}

// UpdateProject changes a project (not_found, validation_failed, conflict
// on the name). The audit event says which fields changed, to what.
func (s Service) UpdateProject(ctx context.Context, id string, pu tenantry.ProjectUpdate) (*tenantry.Project, error) {
	if err := pu.Validate(); err != nil {
		return nil, err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, projectNotFound()
	}
	changes := map[string]any{}
	if pu.Name != nil {
		changes["name"] = *pu.Name
	}
	if pu.Description != nil {
		changes["description"] = *pu.Description
	}
	if pu.IsActive != nil {
		changes["is_active"] = *pu.IsActive
	}
	var p *tenantry.Project
	err := s.ts.Write(ctx, func(tx tenantry.Tx) error {
		var err error
		p, err = scanProject(tx.QueryRow(ctx, `UPDATE projects SET name = coalesce($3, name),
			description = coalesce($4, description), is_active = coalesce($5, is_active), updated_at = $6
			WHERE tenant_id = $1 AND id = $2 RETURNING `+projectColumns,
			tx.TenantID(), id, pu.Name, pu.Description, pu.IsActive, tenantry.Now()), tx.TenantID())
		if err != nil {
			return err
		}
		return tx.Audit(ctx, "project.update", "project", id, changes)
	})
	if err != nil {
		return nil, projectErr(err)
	}
	return p, nil
}

// DeleteProject deletes a project and its tasks (not_found).
func (s Service) DeleteProject(ctx context.Context, id string) error {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return projectNotFound()
	}
	err := s.ts.Write(ctx, func(tx tenantry.Tx) error {
		var name string
		if err := tx.QueryRow(ctx, `DELETE FROM projects WHERE tenant_id = $1 AND id = $2 RETURNING name`,
			tx.TenantID(), id).Scan(&name); err != nil {
			return err
		}
		return tx.Audit(ctx, "project.delete", "project", id, map[string]any{"name": name})
	})
	return projectErr(err)
}

// get reads the row of id (not_found, also for an id that is not a UUID)
// with query, whose $1 is the tenant and $2 the id.
func get[T any](ctx context.Context, ts tenantry.TenantStore, query, id string, scan func(tenantry.Row, string) (*T, error)) (*T, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Not found.")
	}
	var v *T
	err := ts.Read(ctx, func(tx tenantry.Tx) error {
		var err error
		v, err = scan(tx.QueryRow(ctx, query, tx.TenantID(), id), tx.TenantID())
		return err
	})
	return v, err
}

// list reads one page of a list: query returns at most limit+1 rows, and
// the page's next cursor is the id of its last item when there are more.
func list[T any](ctx context.Context, ts tenantry.TenantStore, query string, args []any, limit int,
	scan func(tenantry.Row, string) (*T, error), id func(*T) string) ([]*T, string, error) {
	items := make([]*T, 0, min(limit+1, 64))
	err := ts.Read(ctx, func(tx tenantry.Tx) error {
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows, tx.TenantID())
			if err != nil {
				return err
			}
			items = append(items, v)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", err
	}
	if len(items) > limit {
		items = items[:limit]
		return items, tenantry.Cursor(id(items[limit-1])), nil
	}
	return items, "", nil
}

// escapeLike escapes LIKE's wildcards and its escape character.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// asciiLower lowers ASCII letters only, as SQLite's lower() does, so a
// pattern matches the same rows on both backends.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
