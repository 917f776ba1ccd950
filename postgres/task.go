package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

const taskColumns = `id, tenant_id, project_id, title, completed, assigned_to_id, created_at, updated_at`

func scanTask(row pgx.Row) (*tenantry.Task, error) {
	var t tenantry.Task
	if err := row.Scan(&t.ID, &t.TenantID, &t.ProjectID, &t.Title, &t.Completed, &t.AssignedToID, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

func taskNotFound(err error) error {
	if err == pgx.ErrNoRows {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Task not found.")
	}
	return err
}

func invalidAssignee() error {
	return tenantry.Invalid(map[string]string{"assigned_to_id": "must be a member of the tenant"})
}

// taskWriteErr maps foreign key failures of a task write.
func taskWriteErr(err error) error {
	if err == nil {
		return nil
	}
	m := mapErr(err)
	if tenantry.IsCode(m, tenantry.ENOTFOUND) {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	return m
}

// CreateTask creates a task (not_found for another tenant's project,
// validation_failed assigned_to_id for a non-member).
func (s *TenantService) CreateTask(ctx context.Context, tc tenantry.TaskCreate) (*tenantry.Task, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := tc.Validate(); err != nil {
		return nil, err
	}
	pid, ok := tenantry.ParseID(tc.ProjectID)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	if tc.AssignedToID != nil {
		a, ok := tenantry.ParseID(*tc.AssignedToID)
		if !ok {
			return nil, invalidAssignee()
		}
		tc.AssignedToID = &a
	}
	now := tenantry.Now()
	t := &tenantry.Task{ID: tenantry.NewID(), TenantID: s.id, ProjectID: pid, Title: tc.Title,
		Completed: tc.Completed, AssignedToID: tc.AssignedToID, CreatedAt: now, UpdatedAt: now}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO tasks (tenant_id, id, project_id, title, completed, assigned_to_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.id, t.ID, pid, t.Title, t.Completed, t.AssignedToID, now, now).Exec(func(pgconnTag) error { return nil })
	queueAudit(b, tenantry.NewAuditEvent(ctx, s.id, "task.create", "task", t.ID))
	if err := taskWriteErr(s.tx(ctx, b, nil)); err != nil {
		return nil, err
	}
	return t, nil
}

// Task returns a task (not_found).
func (s *TenantService) Task(ctx context.Context, id string) (*tenantry.Task, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Task not found.")
	}
	var t *tenantry.Task
	b := &pgx.Batch{}
	b.Queue(`SELECT `+taskColumns+` FROM tasks WHERE tenant_id = $1 AND id = $2`, s.id, id).QueryRow(func(row pgx.Row) error {
		var err error
		t, err = scanTask(row)
		return taskNotFound(err)
	})
	if err := s.read(ctx, b); err != nil {
		return nil, err
	}
	return t, nil
}

// Tasks lists tasks in creation order.
func (s *TenantService) Tasks(ctx context.Context, f tenantry.TaskFilter) ([]*tenantry.Task, string, error) {
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
	sb.WriteString(`SELECT ` + taskColumns + ` FROM tasks WHERE tenant_id = $1`)
	if after != "" {
		args = append(args, after)
		sb.WriteString(` AND id > $2`)
	}
	if f.ProjectID != "" {
		pid, ok := tenantry.ParseID(f.ProjectID)
		if !ok {
			return []*tenantry.Task{}, "", nil
		}
		args = append(args, pid)
		sb.WriteString(` AND project_id = $` + itoa(len(args)))
	}
	if f.Completed != nil {
		args = append(args, *f.Completed)
		sb.WriteString(` AND completed = $` + itoa(len(args)))
	}
	if f.AssignedToID != "" {
		uid, ok := tenantry.ParseID(f.AssignedToID)
		if !ok {
			return []*tenantry.Task{}, "", nil
		}
		args = append(args, uid)
		sb.WriteString(` AND assigned_to_id = $` + itoa(len(args)))
	}
	args = append(args, limit+1)
	sb.WriteString(` ORDER BY id LIMIT $` + itoa(len(args)))
	var out []*tenantry.Task
	b := &pgx.Batch{}
	b.Queue(sb.String(), args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			t, err := scanTask(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	if err := s.read(ctx, b); err != nil {
		return nil, "", err
	}
	return page(out, limit, func(t *tenantry.Task) string { return t.ID })
}

// UpdateTask changes a task (not_found; validation_failed as CreateTask).
func (s *TenantService) UpdateTask(ctx context.Context, id string, tu tenantry.TaskUpdate) (*tenantry.Task, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := tu.Validate(); err != nil {
		return nil, err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Task not found.")
	}
	setAssignee := tu.ClearAssignee || tu.AssignedToID != nil
	var assignee *string
	if !tu.ClearAssignee && tu.AssignedToID != nil {
		a, ok := tenantry.ParseID(*tu.AssignedToID)
		if !ok {
			return nil, invalidAssignee()
		}
		assignee = &a
	}
	var t *tenantry.Task
	b := &pgx.Batch{}
	b.Queue(`UPDATE tasks SET title = coalesce($3, title), completed = coalesce($4, completed),
		assigned_to_id = CASE WHEN $5::boolean THEN $6::uuid ELSE assigned_to_id END, updated_at = $7
		WHERE tenant_id = $1 AND id = $2 RETURNING `+taskColumns,
		s.id, id, tu.Title, tu.Completed, setAssignee, assignee, tenantry.Now()).QueryRow(func(row pgx.Row) error {
		var err error
		t, err = scanTask(row)
		return taskNotFound(err)
	})
	queueAudit(b, tenantry.NewAuditEvent(ctx, s.id, "task.update", "task", id))
	if err := s.tx(ctx, b, nil); err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTask deletes a task (not_found).
func (s *TenantService) DeleteTask(ctx context.Context, id string) error {
	if err := s.check(); err != nil {
		return err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Task not found.")
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM tasks WHERE tenant_id = $1 AND id = $2`, s.id, id).Exec(func(ct pgconnTag) error {
		if ct.RowsAffected() == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Task not found.")
		}
		return nil
	})
	queueAudit(b, tenantry.NewAuditEvent(ctx, s.id, "task.delete", "task", id))
	return s.tx(ctx, b, nil)
}
