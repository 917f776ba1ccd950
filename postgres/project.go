package postgres

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

const projectColumns = `id, tenant_id, name, description, is_active, created_at, updated_at`

func scanProject(row pgx.Row) (*tenantry.Project, error) {
	var p tenantry.Project
	if err := row.Scan(&p.ID, &p.TenantID, &p.Name, &p.Description, &p.IsActive, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

func projectNotFound(err error) error {
	if err == pgx.ErrNoRows {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	return err
}

func projectConflict(err error) error {
	if tenantry.IsCode(mapErr(err), tenantry.ECONFLICT) {
		return tenantry.Errorf(tenantry.ECONFLICT, "A project with this name already exists.")
	}
	return err
}

// CreateProject creates a project (validation_failed, conflict on the name,
// plan_limit over max_projects, tenant_not_found).
//
// It is one transaction in one round trip (tenantWrite): BEGIN, SET LOCAL
// app.tenant_id, the tenant row lock (lockTenantSQL), createProjectSQL
// (quota, INSERT and audit INSERT in one statement) and COMMIT. The lock
// serialises the creates of a tenant, so the count that createProjectSQL
// takes with its own, later snapshot is exact when it inserts. The
// quota is decided in SQL because COMMIT is already sent; when the tenant's
// max_projects override is a number SQL cannot read exactly as Go does
// (not a whole number, or out of range), nothing is written and
// createProjectLocked decides in Go instead, in a transaction of its own.
func (s *TenantService) CreateProject(ctx context.Context, pc tenantry.ProjectCreate) (*tenantry.Project, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := pc.Validate(); err != nil {
		return nil, err
	}
	now := tenantry.Now()
	p := &tenantry.Project{ID: tenantry.NewID(), TenantID: s.id, Name: pc.Name, Description: pc.Description,
		IsActive: pc.IsActive == nil || *pc.IsActive, CreatedAt: now, UpdatedAt: now}
	e := tenantry.NewAuditEvent(ctx, s.id, "project.create", "project", p.ID)
	// The same data as the SQLite backend records.
	e.Data, _ = json.Marshal(map[string]string{"name": p.Name}) // a map of strings always encodes
	var (
		t        *tenantry.Tenant
		limit    *int64
		within   *bool
		inserted bool
	)
	b := &pgx.Batch{}
	queueLockTenantIfAny(b, s.id, &t)
	b.Queue(createProjectSQL, s.id, s.db.projectLimits(), tenantry.Unlimited,
		p.ID, p.Name, p.Description, p.IsActive, now,
		e.ID, string(e.Actor.Type), e.Actor.ID, e.Action, e.TargetType, e.TargetID, e.At, e.RequestID, string(e.Data),
		tenantry.EventType(e.Action),
	).QueryRow(func(row pgx.Row) error {
		return row.Scan(&limit, &within, &inserted)
	})
	if err := s.db.tenantWrite(ctx, s.id, b); err != nil {
		return nil, projectConflict(err)
	}
	switch {
	case inserted:
		return p, nil
	case t == nil:
		return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.")
	case within == nil:
		return s.createProjectLocked(ctx, p, e)
	case !*within:
		return nil, projectLimitErr(t, *limit)
	}
	return nil, tenantry.Errorf(tenantry.ECONFLICT, "A project with this name already exists.")
}

// createProjectSQL checks the quota and inserts the project and its audit
// event, in one statement run after the tenant row is locked. It reads the
// tenant's max_projects as tenantry.Plans.Limit does: the platform's
// override in the tenant's limits when it is a JSON number, else the plan's limit ($2, a JSON
// object of plan name to max_projects; a plan not in it is unlimited, $3).
// An override that is a number SQL and Go might read differently (not a
// whole number, or outside -1..2^53) leaves the limit NULL: then nothing
// is inserted and the row says so. The count stops at the limit (LIMIT) and
// is skipped when there is none. A name already taken inserts nothing (ON
// CONFLICT), so neither outcome aborts the transaction. It returns the
// limit, whether the project fitted under it (NULL: undecided, or no such
// tenant) and whether it was inserted, always in one row: an expected
// outcome never fails the batch.
const createProjectSQL = `WITH lim AS (
	SELECT CASE
		WHEN jsonb_typeof(t.limits -> 'max_projects') IS DISTINCT FROM 'number'
			THEN coalesce(($2::jsonb ->> t.plan)::bigint, $3)
		WHEN (t.limits ->> 'max_projects')::numeric BETWEEN -1 AND 9007199254740992
			AND (t.limits ->> 'max_projects')::numeric % 1 = 0
			THEN (t.limits ->> 'max_projects')::numeric::bigint
		END AS n
	FROM tenants t WHERE t.id = $1
), quota AS (
	SELECT n, CASE
		WHEN n IS NULL THEN NULL
		WHEN n = $3 THEN true
		ELSE (SELECT count(*) FROM (SELECT FROM projects WHERE tenant_id = $1 LIMIT greatest(n, 0)) c) < n
		END AS within
	FROM lim
), ins AS (
	INSERT INTO projects (tenant_id, id, name, description, is_active, created_at, updated_at)
	SELECT $1, $4, $5, $6, $7, $8, $8 FROM quota WHERE within
	ON CONFLICT (tenant_id, name) DO NOTHING
	RETURNING id
), audit AS (
	INSERT INTO audit_events (tenant_id, id, actor_type, actor_id, action, target_type, target_id, at, request_id, data)
	SELECT $1, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb FROM ins
), seq AS (
	INSERT INTO tenant_event_seqs (tenant_id, seq) SELECT $1, 1 FROM ins
	ON CONFLICT (tenant_id) DO UPDATE SET seq = tenant_event_seqs.seq + 1
	RETURNING seq
), outbox AS (
	INSERT INTO tenant_events (tenant_id, seq, id, type, actor_type, actor_id, target_type, target_id, data, at)
	SELECT $1, seq.seq, $9, $18, $10, $11, $13, $14, $17::jsonb, $15 FROM seq
)
SELECT (SELECT n FROM quota), (SELECT within FROM quota), EXISTS (SELECT FROM ins)`

// projectLimits returns the max_projects of every plan that sets one, as
// the JSON object createProjectSQL reads.
func (db *DB) projectLimits() string {
	limits := make(map[string]int64, len(db.plans))
	for name, p := range db.plans {
		if n, ok := p.Limits[tenantry.LimitMaxProjects]; ok {
			limits[name] = n
		}
	}
	raw, _ := json.Marshal(limits) // a map of strings to integers always encodes
	return string(raw)
}

func projectLimitErr(t *tenantry.Tenant, limit int64) error {
	return tenantry.Errorf(tenantry.EPLANLIMIT, "The %s plan allows %d projects.", t.Plan, limit)
}

// createProjectLocked creates p deciding the quota in Go: the tenant lock
// and the count in the first round trip, the INSERTs in a second and COMMIT
// in a third. CreateProject falls back to it for an override SQL does not
// read.
func (s *TenantService) createProjectLocked(ctx context.Context, p *tenantry.Project, e *tenantry.AuditEvent) (*tenantry.Project, error) {
	var (
		t     *tenantry.Tenant
		count int64
	)
	b := &pgx.Batch{}
	queueLockTenant(b, s.id, &t)
	b.Queue(`SELECT count(*) FROM projects WHERE tenant_id = $1`, s.id).QueryRow(func(row pgx.Row) error {
		return row.Scan(&count)
	})
	err := s.tx(ctx, b, func(tx pgx.Tx) error {
		if limit := s.db.plans.Limit(t, tenantry.LimitMaxProjects); !tenantry.Within(count, limit) {
			return projectLimitErr(t, limit)
		}
		wb := &pgx.Batch{}
		wb.Queue(`INSERT INTO projects (tenant_id, id, name, description, is_active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.TenantID, p.ID, p.Name, p.Description, p.IsActive, p.CreatedAt, p.UpdatedAt)
		queueAudit(wb, e)
		return projectConflict(tx.SendBatch(ctx, wb).Close())
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Project returns a project (not_found).
func (s *TenantService) Project(ctx context.Context, id string) (*tenantry.Project, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	var p *tenantry.Project
	b := &pgx.Batch{}
	b.Queue(`SELECT `+projectColumns+` FROM projects WHERE tenant_id = $1 AND id = $2`, s.id, id).QueryRow(func(row pgx.Row) error {
		var err error
		p, err = scanProject(row)
		return projectNotFound(err)
	})
	if err := s.read(ctx, b); err != nil {
		return nil, err
	}
	return p, nil
}

// escapeLike escapes the LIKE wildcards of q.
func escapeLike(q string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
}

// Projects lists projects in creation order.
func (s *TenantService) Projects(ctx context.Context, f tenantry.ProjectFilter) ([]*tenantry.Project, string, error) {
	if err := s.check(); err != nil {
		return nil, "", err
	}
	limit, after, err := f.Page.Normalize()
	if err != nil {
		return nil, "", err
	}
	var (
		sb   strings.Builder
		args = []any{s.id}
	)
	sb.WriteString(`SELECT ` + projectColumns + ` FROM projects WHERE tenant_id = $1`)
	if after != "" {
		args = append(args, after)
		sb.WriteString(` AND id > $2`)
	}
	if f.IsActive != nil {
		args = append(args, *f.IsActive)
		sb.WriteString(` AND is_active = $` + itoa(len(args)))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		args = append(args, "%"+escapeLike(q)+"%")
		n := itoa(len(args))
		sb.WriteString(` AND (name ILIKE $` + n + ` OR description ILIKE $` + n + `)`)
	}
	args = append(args, limit+1)
	sb.WriteString(` ORDER BY id LIMIT $` + itoa(len(args)))
	var out []*tenantry.Project
	b := &pgx.Batch{}
	b.Queue(sb.String(), args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			p, err := scanProject(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	if err := s.read(ctx, b); err != nil {
		return nil, "", err
	}
	return page(out, limit, func(p *tenantry.Project) string { return p.ID })
}

// page trims a list fetched with limit+1 rows and returns its next cursor.
func page[T any](items []T, limit int, id func(T) string) ([]T, string, error) {
	if items == nil {
		items = []T{}
	}
	if len(items) > limit {
		items = items[:limit]
		return items, tenantry.Cursor(id(items[limit-1])), nil
	}
	return items, "", nil
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

// UpdateProject changes a project (not_found, validation_failed, conflict).
func (s *TenantService) UpdateProject(ctx context.Context, id string, pu tenantry.ProjectUpdate) (*tenantry.Project, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := pu.Validate(); err != nil {
		return nil, err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	var p *tenantry.Project
	b := &pgx.Batch{}
	b.Queue(`UPDATE projects SET name = coalesce($3, name), description = coalesce($4, description),
		is_active = coalesce($5, is_active), updated_at = $6 WHERE tenant_id = $1 AND id = $2
		RETURNING `+projectColumns, s.id, id, pu.Name, pu.Description, pu.IsActive, tenantry.Now()).QueryRow(func(row pgx.Row) error {
		var err error
		p, err = scanProject(row)
		return projectConflict(projectNotFound(err))
	})
	queueAudit(b, tenantry.NewAuditEvent(ctx, s.id, "project.update", "project", id))
	if err := s.tx(ctx, b, nil); err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteProject deletes a project and its tasks (not_found).
func (s *TenantService) DeleteProject(ctx context.Context, id string) error {
	if err := s.check(); err != nil {
		return err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM projects WHERE tenant_id = $1 AND id = $2`, s.id, id).Exec(func(ct pgconnTag) error {
		if ct.RowsAffected() == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
		}
		return nil
	})
	queueAudit(b, tenantry.NewAuditEvent(ctx, s.id, "project.delete", "project", id))
	return s.tx(ctx, b, nil)
}
