package tenantry

import (
	"context"
	"strings"
	"time"
)

// Task is a piece of work in a project, optionally assigned to a member.
type Task struct {
	ID           string    `json:"id"`
	TenantID     string    `json:"tenant_id"`
	ProjectID    string    `json:"project_id"`
	Title        string    `json:"title"`
	Completed    bool      `json:"completed"`
	AssignedToID *string   `json:"assigned_to_id"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TaskCreate is the input of TaskStore.CreateTask.
type TaskCreate struct {
	ProjectID    string
	Title        string
	Completed    bool
	AssignedToID *string
}

// Validate normalises and checks the input.
func (tc *TaskCreate) Validate() error {
	tc.Title = strings.TrimSpace(tc.Title)
	fields := map[string]string{}
	if tc.ProjectID == "" {
		fields["project_id"] = "required"
	}
	validateTaskTitle(tc.Title, fields)
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// TaskUpdate is the input of TaskStore.UpdateTask; nil fields are left
// alone. ClearAssignee unassigns the task.
type TaskUpdate struct {
	Title         *string
	Completed     *bool
	AssignedToID  *string
	ClearAssignee bool
}

// Validate normalises and checks the input.
func (tu *TaskUpdate) Validate() error {
	fields := map[string]string{}
	if tu.Title != nil {
		t := strings.TrimSpace(*tu.Title)
		tu.Title = &t
		validateTaskTitle(t, fields)
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

func validateTaskTitle(title string, fields map[string]string) {
	switch {
	case !CheckText(fields, "title", title):
	case title == "":
		fields["title"] = "required"
	case len(title) > 500:
		fields["title"] = "too long"
	}
}

// TaskFilter selects tasks.
type TaskFilter struct {
	ProjectID    string
	Completed    *bool
	AssignedToID string
	Page
}

// TaskStore manages the tasks of one tenant.
type TaskStore interface {
	// CreateTask creates a task (validation_failed; not_found for a
	// project_id that is not this tenant's; validation_failed with field
	// assigned_to_id for an assignee who is not a member).
	CreateTask(ctx context.Context, tc TaskCreate) (*Task, error)
	// Task returns a task (not_found).
	Task(ctx context.Context, id string) (*Task, error)
	// Tasks lists tasks in creation order.
	Tasks(ctx context.Context, f TaskFilter) ([]*Task, string, error)
	// UpdateTask changes a task (not_found; validation_failed as CreateTask).
	UpdateTask(ctx context.Context, id string, tu TaskUpdate) (*Task, error)
	// DeleteTask deletes a task (not_found).
	DeleteTask(ctx context.Context, id string) error
}
