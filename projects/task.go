package projects

import (
	"context"
	"strings"

	"github.com/tenantry/tenantry"
)

// taskColumns are the columns scanTask reads.
const taskColumns = `id, project_id, title, completed, assigned_to_id, created_at, updated_at`

// scanTask scans one taskColumns row of tenant tenantID.
func scanTask(row tenantry.Row, tenantID string) (*tenantry.Task, error) {
	t := &tenantry.Task{TenantID: tenantID}
	if err := row.Scan(&t.ID, &t.ProjectID, &t.Title, &t.Completed, &t.AssignedToID, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return nil, err
	}
	return t, nil
}

func taskNotFound() error { return tenantry.Errorf(tenantry.ENOTFOUND, "Task not found.") }

// notAMember is the error of an assignee who is not a member.
func notAMember() error {
	return tenantry.Invalid(map[string]string{"assigned_to_id": "must be a member of the tenant"})
}

// taskErr names the task in the transaction's not_found errors.
func taskErr(err error) error {
	if tenantry.ErrorCode(err) == tenantry.ENOTFOUND {
		return taskNotFound()
	}
	return err
}

// checkRefs checks, in one query, that project projectID (when not "")
// and the assignee (when not nil) are the tenant's: not_found for the
// project, validation_failed with field assigned_to_id for the assignee.
func checkRefs(ctx context.Context, tx tenantry.Tx, projectID string, assignee *string) error {
	var projects, members int64
	err := tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM projects WHERE tenant_id = $1 AND id = $2),
		(SELECT count(*) FROM members WHERE tenant_id = $1 AND user_id = $3)`,
		tx.TenantID(), orNil(projectID), assignee).Scan(&projects, &members)
	switch {
	case err != nil:
		return err
	case projectID != "" && projects == 0:
		return projectNotFound()
	case assignee != nil && members == 0:
		return notAMember()
	}
	return nil
}

// orNil is nil for "", so an absent id matches no row on both backends.
func orNil(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// parseRefs parses the ids a task refers to: a project id that is not a
// UUID is no project of the tenant (not_found), an assignee id that is not
// one no member (validation_failed).
func parseRefs(projectID string, assignee *string) (string, *string, error) {
	if projectID != "" {
		id, ok := tenantry.ParseID(projectID)
		if !ok {
			return "", nil, projectNotFound()
		}
		projectID = id
	}
	if assignee != nil {
		id, ok := tenantry.ParseID(*assignee)
		if !ok {
			return "", nil, notAMember()
		}
		assignee = &id
	}
	return projectID, assignee, nil
}

// CreateTask creates a task (validation_failed; not_found for a project_id
// that is not this tenant's; validation_failed with field assigned_to_id
// for an assignee who is not a member).
func (s Service) CreateTask(ctx context.Context, tc tenantry.TaskCreate) (*tenantry.Task, error) {
	if err := tc.Validate(); err != nil {
		return nil, err
	}
	projectID, assignee, err := parseRefs(tc.ProjectID, tc.AssignedToID)
	if err != nil {
		return nil, err
	}
	now := tenantry.Now()
	t := &tenantry.Task{ID: tenantry.NewID(), TenantID: s.ts.ID(), ProjectID: projectID, Title: tc.Title,
		Completed: tc.Completed, AssignedToID: assignee, CreatedAt: now, UpdatedAt: now}
	err = s.ts.Write(ctx, func(tx tenantry.Tx) error {
		if err := checkRefs(ctx, tx, t.ProjectID, t.AssignedToID); err != nil {
			return err
		}
		tx.Queue(ctx, `INSERT INTO tasks (tenant_id, `+taskColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			tx.TenantID(), t.ID, t.ProjectID, t.Title, t.Completed, t.AssignedToID, t.CreatedAt, t.UpdatedAt)
		return tx.Audit(ctx, "task.create", "task", t.ID, map[string]any{"project_id": t.ProjectID})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Task returns a task (not_found).
func (s Service) Task(ctx context.Context, id string) (*tenantry.Task, error) {
	t, err := get(ctx, s.ts, `SELECT `+taskColumns+` FROM tasks WHERE tenant_id = $1 AND id = $2`, id, scanTask)
	if err != nil {
		return nil, taskErr(err)
	}
	return t, nil
}

// Tasks lists tasks in creation order. Filter ids that are not UUIDs match
// no task.
func (s Service) Tasks(ctx context.Context, f tenantry.TaskFilter) ([]*tenantry.Task, string, error) {
	limit, after, err := start(f.Page)
	if err != nil {
		return nil, "", err
	}
	args := []any{s.ts.ID()}
	var sb strings.Builder
	sb.WriteString(`SELECT ` + taskColumns + ` FROM tasks WHERE tenant_id = $1 AND id > ` + placeholder(&args, after))
	for _, c := range []struct{ column, id string }{{"project_id", f.ProjectID}, {"assigned_to_id", f.AssignedToID}} {
		if c.id == "" {
			continue
		}
		id, ok := tenantry.ParseID(c.id)
		if !ok {
			return []*tenantry.Task{}, "", nil
		}
		sb.WriteString(` AND ` + c.column + ` = ` + placeholder(&args, id))
	}
	if f.Completed != nil {
		sb.WriteString(` AND completed = ` + placeholder(&args, *f.Completed))
	}
	sb.WriteString(` ORDER BY id LIMIT ` + placeholder(&args, limit+1))
	return list(ctx, s.ts, sb.String(), args, limit, scanTask, func(t *tenantry.Task) string { return t.ID })
}

// UpdateTask changes a task (not_found; validation_failed as CreateTask).
// The audit event says which fields changed, to what.
func (s Service) UpdateTask(ctx context.Context, id string, tu tenantry.TaskUpdate) (*tenantry.Task, error) {
	if err := tu.Validate(); err != nil {
		return nil, err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, taskNotFound()
	}
	_, assignee, err := parseRefs("", tu.AssignedToID)
	if err != nil && !tu.ClearAssignee {
		return nil, err
	}
	changes := map[string]any{}
	if tu.Title != nil {
		changes["title"] = *tu.Title
	}
	if tu.Completed != nil {
		changes["completed"] = *tu.Completed
	}
	switch {
	case tu.ClearAssignee:
		assignee = nil
		changes["assigned_to_id"] = nil
	case assignee != nil:
		changes["assigned_to_id"] = *assignee
	}
	var t *tenantry.Task
	err = s.ts.Write(ctx, func(tx tenantry.Tx) error {
		if assignee != nil {
			if err := checkRefs(ctx, tx, "", assignee); err != nil {
				return err
			}
		}
		var err error
		t, err = scanTask(tx.QueryRow(ctx, `UPDATE tasks SET title = coalesce($3, title),
			completed = coalesce($4, completed),
			assigned_to_id = CASE WHEN $5 THEN NULL ELSE coalesce($6, assigned_to_id) END, updated_at = $7
			WHERE tenant_id = $1 AND id = $2 RETURNING `+taskColumns,
			tx.TenantID(), id, tu.Title, tu.Completed, tu.ClearAssignee, assignee, tenantry.Now()), tx.TenantID())
		if err != nil {
			return taskErr(err)
		}
		return tx.Audit(ctx, "task.update", "task", id, changes)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTask deletes a task (not_found).
func (s Service) DeleteTask(ctx context.Context, id string) error {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return taskNotFound()
	}
	return s.ts.Write(ctx, func(tx tenantry.Tx) error {
		n, err := tx.Exec(ctx, `DELETE FROM tasks WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id)
		if err != nil {
			return err
		}
		if n == 0 {
			return taskNotFound()
		}
		return tx.Audit(ctx, "task.delete", "task", id, nil)
	})
}
