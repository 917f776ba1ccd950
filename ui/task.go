package ui

import (
	"net/http"

	"github.com/tenantry/tenantry"
)

// assigneeOf reads an assignee form value: "" is nobody.
func assigneeOf(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// taskCreate adds a task to the project in the path.
func (h *Handler) taskCreate(q *request) error {
	f := q.r.PostForm
	pid, _ := tenantry.ParseID(q.r.PathValue("id"))
	if pid == "" {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	tc := tenantry.TaskCreate{ProjectID: pid, Title: f.Get("title"), AssignedToID: assigneeOf(f.Get("assigned_to_id"))}
	if _, err := q.projects().CreateTask(q.ctx(), tc); err != nil {
		if statusOf(err) == http.StatusNotFound {
			return err
		}
		return h.renderProject(q, statusOf(err), err, map[string]string{"title": f.Get("title")})
	}
	if err := q.flash("Task added."); err != nil {
		return err
	}
	q.redirect("/projects/" + pid)
	return nil
}

// taskOf returns the task in the path.
func (h *Handler) taskOf(q *request) (*tenantry.Task, error) {
	id, ok := tenantry.ParseID(q.r.PathValue("id"))
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Task not found.")
	}
	return q.projects().Task(q.ctx(), id)
}

// taskUpdate changes a task's title, assignee and completion.
func (h *Handler) taskUpdate(q *request) error {
	t, err := h.taskOf(q)
	if err != nil {
		return err
	}
	f := q.r.PostForm
	title, done := f.Get("title"), f.Get("completed") == "on"
	tu := tenantry.TaskUpdate{Title: &title, Completed: &done}
	if a := f.Get("assigned_to_id"); a == "" {
		tu.ClearAssignee = true
	} else {
		tu.AssignedToID = &a
	}
	if _, err := q.projects().UpdateTask(q.ctx(), t.ID, tu); err != nil {
		return h.taskFailed(q, t, err)
	}
	return h.backToProject(q, t, "Task saved.")
}

// taskFailed renders the task's project with err.
func (h *Handler) taskFailed(q *request, t *tenantry.Task, err error) error {
	if statusOf(err) == http.StatusNotFound {
		return err
	}
	q.r.SetPathValue("id", t.ProjectID)
	return h.renderProject(q, statusOf(err), err, nil)
}

// backToProject flashes msg and redirects to the task's project (or to
// the local page named in the form's "back" field).
func (h *Handler) backToProject(q *request, t *tenantry.Task, msg string) error {
	if err := q.flash(msg); err != nil {
		return err
	}
	q.redirect("/projects/" + t.ProjectID)
	return nil
}

// taskToggle marks a task done or not done.
func (h *Handler) taskToggle(q *request) error {
	t, err := h.taskOf(q)
	if err != nil {
		return err
	}
	done := !t.Completed
	if _, err := q.projects().UpdateTask(q.ctx(), t.ID, tenantry.TaskUpdate{Completed: &done}); err != nil {
		return h.taskFailed(q, t, err)
	}
	msg := "Task reopened."
	if done {
		msg = "Task completed."
	}
	return h.backToProject(q, t, msg)
}

// taskDelete deletes a task.
func (h *Handler) taskDelete(q *request) error {
	t, err := h.taskOf(q)
	if err != nil {
		return err
	}
	if err := q.projects().DeleteTask(q.ctx(), t.ID); err != nil {
		return h.taskFailed(q, t, err)
	}
	return h.backToProject(q, t, "Task deleted.")
}
