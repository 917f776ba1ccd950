package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tenantry/tenantry"
)

// taskColumns are the columns scanTask reads, in order.
const taskColumns = `id, tenant_id, project_id, title, completed, assigned_to_id, created_at, updated_at`

// scanTask scans one task row.
func scanTask(row interface{ Scan(...any) error }) (*tenantry.Task, error) {
	var t tenantry.Task
	var assignee sql.NullString
	if err := row.Scan(&t.ID, &t.TenantID, &t.ProjectID, &t.Title, &t.Completed, &assignee,
		timeScan{&t.CreatedAt}, timeScan{&t.UpdatedAt}); err != nil {
		return nil, err
	}
	if assignee.Valid {
		t.AssignedToID = &assignee.String
	}
	return &t, nil
}

// task reads task id of tenantID (not_found).
func task(ctx context.Context, q querier, tenantID, id string) (*tenantry.Task, error) {
	t, err := scanTask(q.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM tasks WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Task not found.")
	} else if err != nil {
		return nil, dbErr(fmt.Errorf("read task: %w", err))
	}
	return t, nil
}

// checkTaskRefs checks that the project and the assignee (when not nil)
// belong to the handle's tenant: not_found for the project,
// validation_failed with field assigned_to_id for the assignee.
func (h *TenantStore) checkTaskRefs(ctx context.Context, tx *wtx, projectID string, assignee *string) error {
	if projectID != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE tenant_id = ? AND id = ?`, h.id, projectID).Scan(&n); err != nil {
			return fmt.Errorf("read project: %w", err)
		}
		if n == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
		}
	}
	if assignee != nil {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM members WHERE tenant_id = ? AND user_id = ?`, h.id, *assignee).Scan(&n); err != nil {
			return fmt.Errorf("read member: %w", err)
		}
		if n == 0 {
			return notAMemberAssignee()
		}
	}
	return nil
}

// notAMemberAssignee is the error of an assignee who is not a member.
func notAMemberAssignee() error {
	return tenantry.Invalid(map[string]string{"assigned_to_id": "must be a member of the tenant"})
}

// CreateTask creates a task (validation_failed; not_found for a project_id
// that is not this tenant's; validation_failed with field assigned_to_id
// for an assignee who is not a member).
func (h *TenantStore) CreateTask(ctx context.Context, tc tenantry.TaskCreate) (*tenantry.Task, error) {
	if h.err != nil {
		return nil, h.err
	}
	if err := tc.Validate(); err != nil {
		return nil, err
	}
	var t *tenantry.Task
	err := h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		now := tenantry.Now()
		t = &tenantry.Task{ID: tx.newID(), TenantID: h.id, ProjectID: tc.ProjectID, Title: tc.Title,
			Completed: tc.Completed, AssignedToID: tc.AssignedToID, CreatedAt: now, UpdatedAt: now}
		if err := h.checkTaskRefs(ctx, tx, t.ProjectID, t.AssignedToID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tasks (`+taskColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, h.id, t.ProjectID, t.Title, t.Completed, t.AssignedToID, encTime(now), encTime(now))
		if isForeignKey(err) {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
		} else if err != nil {
			return fmt.Errorf("insert task: %w", err)
		}
		return h.audit(ctx, tx, "task.create", "task", t.ID, map[string]any{"project_id": t.ProjectID})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Task returns a task (not_found).
func (h *TenantStore) Task(ctx context.Context, id string) (*tenantry.Task, error) {
	q, err := h.reader()
	if err != nil {
		return nil, err
	}
	return task(ctx, q, h.id, id)
}

// Tasks lists tasks in creation order.
func (h *TenantStore) Tasks(ctx context.Context, f tenantry.TaskFilter) ([]*tenantry.Task, string, error) {
	q, err := h.reader()
	if err != nil {
		return nil, "", err
	}
	limit, after, err := f.Normalize()
	if err != nil {
		return nil, "", err
	}
	query := `SELECT ` + taskColumns + ` FROM tasks WHERE tenant_id = ?`
	args := []any{h.id}
	if f.ProjectID != "" {
		query += ` AND project_id = ?`
		args = append(args, f.ProjectID)
	}
	if f.AssignedToID != "" {
		query += ` AND assigned_to_id = ?`
		args = append(args, f.AssignedToID)
	}
	if f.Completed != nil {
		query += ` AND completed = ?`
		args = append(args, *f.Completed)
	}
	if after != "" {
		query += ` AND id > ?`
		args = append(args, after)
	}
	query += ` ORDER BY id LIMIT ?`
	args = append(args, limit+1)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", dbErr(fmt.Errorf("list tasks: %w", err))
	}
	return scanPage(rows, "tasks", limit, scanTask, func(v *tenantry.Task) string { return v.ID })
}

// UpdateTask changes a task (not_found; validation_failed as CreateTask).
func (h *TenantStore) UpdateTask(ctx context.Context, id string, tu tenantry.TaskUpdate) (*tenantry.Task, error) {
	if h.err != nil {
		return nil, h.err
	}
	if err := tu.Validate(); err != nil {
		return nil, err
	}
	var t *tenantry.Task
	err := h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		var err error
		if t, err = task(ctx, tx, h.id, id); err != nil {
			return err
		}
		changes := map[string]any{}
		if tu.Title != nil {
			t.Title = *tu.Title
			changes["title"] = t.Title
		}
		if tu.Completed != nil {
			t.Completed = *tu.Completed
			changes["completed"] = t.Completed
		}
		switch {
		case tu.ClearAssignee:
			t.AssignedToID = nil
			changes["assigned_to_id"] = nil
		case tu.AssignedToID != nil:
			if err := h.checkTaskRefs(ctx, tx, "", tu.AssignedToID); err != nil {
				return err
			}
			a := *tu.AssignedToID
			t.AssignedToID = &a
			changes["assigned_to_id"] = a
		}
		t.UpdatedAt = tenantry.Now()
		_, err = tx.ExecContext(ctx, `UPDATE tasks SET title = ?, completed = ?, assigned_to_id = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, t.Title, t.Completed, t.AssignedToID, encTime(t.UpdatedAt), h.id, t.ID)
		if isForeignKey(err) {
			return notAMemberAssignee()
		} else if err != nil {
			return fmt.Errorf("update task: %w", err)
		}
		return h.audit(ctx, tx, "task.update", "task", t.ID, changes)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTask deletes a task (not_found).
func (h *TenantStore) DeleteTask(ctx context.Context, id string) error {
	return h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tasks WHERE tenant_id = ? AND id = ?`, h.id, id)
		if err != nil {
			return fmt.Errorf("delete task: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Task not found.")
		}
		return h.audit(ctx, tx, "task.delete", "task", id, nil)
	})
}
