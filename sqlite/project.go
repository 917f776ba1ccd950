package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tenantry/tenantry"
)

// projectColumns are the columns scanProject reads, in order.
const projectColumns = `id, tenant_id, name, description, is_active, created_at, updated_at`

// scanProject scans one project row.
func scanProject(row interface{ Scan(...any) error }) (*tenantry.Project, error) {
	var p tenantry.Project
	if err := row.Scan(&p.ID, &p.TenantID, &p.Name, &p.Description, &p.IsActive,
		timeScan{&p.CreatedAt}, timeScan{&p.UpdatedAt}); err != nil {
		return nil, err
	}
	return &p, nil
}

// tenantProjectColumns are the columns tenantProjectScanner reads: those of
// projectColumns but tenant_id, which a tenant's own queries already know.
// Every column read costs several calls into SQLite, each taking the
// connection's mutex, so the list reads one column fewer per row.
const tenantProjectColumns = `id, name, description, is_active, created_at, updated_at`

// tenantProjectScanner returns a scanner of tenantProjectColumns rows of
// tenant tenantID.
func tenantProjectScanner(tenantID string) func(row interface{ Scan(...any) error }) (*tenantry.Project, error) {
	return func(row interface{ Scan(...any) error }) (*tenantry.Project, error) {
		p := tenantry.Project{TenantID: tenantID}
		if err := row.Scan(&p.ID, &p.Name, &p.Description, &p.IsActive,
			timeScan{&p.CreatedAt}, timeScan{&p.UpdatedAt}); err != nil {
			return nil, err
		}
		return &p, nil
	}
}

// projectConflict is the error of a duplicate project name.
func projectConflict() error {
	return tenantry.Errorf(tenantry.ECONFLICT, "A project with this name already exists.")
}

// project reads project id of tenantID (not_found).
func project(ctx context.Context, q querier, tenantID, id string) (*tenantry.Project, error) {
	p, err := tenantProjectScanner(tenantID)(q.QueryRowContext(ctx, `SELECT `+tenantProjectColumns+` FROM projects WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	} else if err != nil {
		return nil, dbErr(fmt.Errorf("read project: %w", err))
	}
	return p, nil
}

// CreateProject creates a project (validation_failed, conflict on the name,
// plan_limit over max_projects, checked atomically in the write
// transaction).
func (h *TenantStore) CreateProject(ctx context.Context, pc tenantry.ProjectCreate) (*tenantry.Project, error) {
	if h.err != nil {
		return nil, h.err
	}
	if err := pc.Validate(); err != nil {
		return nil, err
	}
	var p *tenantry.Project
	err := h.write(ctx, func(tx *wtx, t *tenantry.Tenant) error {
		now := tenantry.Now()
		p = &tenantry.Project{ID: tx.newID(), TenantID: h.id, Name: pc.Name, Description: pc.Description,
			IsActive: pc.IsActive == nil || *pc.IsActive, CreatedAt: now, UpdatedAt: now}
		if limit := h.db.plans.Limit(t, tenantry.LimitMaxProjects); limit != tenantry.Unlimited {
			var n int64
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE tenant_id = ?`, h.id).Scan(&n); err != nil {
				return fmt.Errorf("count projects: %w", err)
			}
			if !tenantry.Within(n, limit) {
				return tenantry.Errorf(tenantry.EPLANLIMIT, "The %s plan allows %d projects.", t.Plan, limit)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO projects (`+projectColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.ID, h.id, p.Name, p.Description, p.IsActive, encTime(now), encTime(now))
		if isUnique(err, "") {
			return projectConflict()
		} else if err != nil {
			return fmt.Errorf("insert project: %w", err)
		}
		return h.audit(ctx, tx, "project.create", "project", p.ID, map[string]any{"name": p.Name})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Project returns a project (not_found).
func (h *TenantStore) Project(ctx context.Context, id string) (*tenantry.Project, error) {
	q, err := h.reader()
	if err != nil {
		return nil, err
	}
	return project(ctx, q, h.id, id)
}

// Projects lists projects in creation order. f.Q matches the name or
// description case-insensitively, as a substring.
func (h *TenantStore) Projects(ctx context.Context, f tenantry.ProjectFilter) ([]*tenantry.Project, string, error) {
	q, err := h.reader()
	if err != nil {
		return nil, "", err
	}
	limit, after, err := f.Normalize()
	if err != nil {
		return nil, "", err
	}
	query := `SELECT ` + tenantProjectColumns + ` FROM projects WHERE tenant_id = ?`
	args := []any{h.id}
	if f.IsActive != nil {
		query += ` AND is_active = ?`
		args = append(args, *f.IsActive)
	}
	if s := strings.TrimSpace(f.Q); s != "" {
		like := "%" + escapeLike(strings.ToLower(s)) + "%"
		query += ` AND (lower(name) LIKE ? ESCAPE '\' OR lower(description) LIKE ? ESCAPE '\')`
		args = append(args, like, like)
	}
	if after != "" {
		query += ` AND id > ?`
		args = append(args, after)
	}
	query += ` ORDER BY id LIMIT ?`
	args = append(args, limit+1)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", dbErr(fmt.Errorf("list projects: %w", err))
	}
	return scanPage(rows, "projects", limit, tenantProjectScanner(h.id), func(v *tenantry.Project) string { return v.ID })
}

// UpdateProject changes a project (not_found, validation_failed, conflict).
func (h *TenantStore) UpdateProject(ctx context.Context, id string, pu tenantry.ProjectUpdate) (*tenantry.Project, error) {
	if h.err != nil {
		return nil, h.err
	}
	if err := pu.Validate(); err != nil {
		return nil, err
	}
	var p *tenantry.Project
	err := h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		var err error
		if p, err = project(ctx, tx, h.id, id); err != nil {
			return err
		}
		changes := map[string]any{}
		if pu.Name != nil {
			p.Name = *pu.Name
			changes["name"] = p.Name
		}
		if pu.Description != nil {
			p.Description = *pu.Description
			changes["description"] = p.Description
		}
		if pu.IsActive != nil {
			p.IsActive = *pu.IsActive
			changes["is_active"] = p.IsActive
		}
		p.UpdatedAt = tenantry.Now()
		_, err = tx.ExecContext(ctx, `UPDATE projects SET name = ?, description = ?, is_active = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, p.Name, p.Description, p.IsActive, encTime(p.UpdatedAt), h.id, p.ID)
		if isUnique(err, "") {
			return projectConflict()
		} else if err != nil {
			return fmt.Errorf("update project: %w", err)
		}
		return h.audit(ctx, tx, "project.update", "project", p.ID, changes)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteProject deletes a project and its tasks (not_found).
func (h *TenantStore) DeleteProject(ctx context.Context, id string) error {
	return h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		p, err := project(ctx, tx, h.id, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM projects WHERE tenant_id = ? AND id = ?`, h.id, p.ID); err != nil {
			return fmt.Errorf("delete project: %w", err)
		}
		return h.audit(ctx, tx, "project.delete", "project", p.ID, map[string]any{"name": p.Name})
	})
}
