package http

import (
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
)

// taskCreateRequest is the body of POST /api/tasks.
type taskCreateRequest struct {
	ProjectID    string  `json:"project_id"`
	Title        string  `json:"title"`
	Completed    bool    `json:"completed"`
	AssignedToID *string `json:"assigned_to_id"`
}

// taskUpdateRequest is the body of PATCH /api/tasks/{id}; assigned_to_id
// null unassigns the task.
type taskUpdateRequest struct {
	Title        optional[string] `json:"title"`
	Completed    optional[bool]   `json:"completed"`
	AssignedToID optional[string] `json:"assigned_to_id"`
}

// handleTaskList answers GET /api/tasks (?project_id=, ?completed=,
// ?assigned_to_id=, ?limit=, ?cursor=).
func (s *Server) handleTaskList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	completed, err := boolParam(r, "completed")
	if err != nil {
		return err
	}
	projectID, err := idQuery(r, "project_id")
	if err != nil {
		return err
	}
	assignee, err := idQuery(r, "assigned_to_id")
	if err != nil {
		return err
	}
	items, next, err := s.projects(r).Tasks(r.Context(), tenantry.TaskFilter{
		ProjectID: projectID, Completed: completed, AssignedToID: assignee, Page: page,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// handleTaskCreate answers POST /api/tasks. A project_id of another tenant
// is not_found; an assignee who is not a member is validation_failed.
func (s *Server) handleTaskCreate(w http.ResponseWriter, r *http.Request) error {
	var req taskCreateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	// The projects service parses the ids (package projects), as for the
	// pages: one rule and one message for an unknown project or assignee.
	tc := tenantry.TaskCreate{ProjectID: strings.TrimSpace(req.ProjectID), Title: req.Title, Completed: req.Completed}
	if req.AssignedToID != nil {
		a := strings.TrimSpace(*req.AssignedToID)
		tc.AssignedToID = &a
	}
	t, err := s.projects(r).CreateTask(r.Context(), tc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

// handleTaskGet answers GET /api/tasks/{id}.
func (s *Server) handleTaskGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "task_id")
	if err != nil {
		return err
	}
	t, err := s.projects(r).Task(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// handleTaskUpdate answers PATCH /api/tasks/{id}; absent fields are left
// alone and "assigned_to_id": null unassigns.
func (s *Server) handleTaskUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "task_id")
	if err != nil {
		return err
	}
	var req taskUpdateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := nullFields(map[string]bool{"title": req.Title.Null, "completed": req.Completed.Null}); err != nil {
		return err
	}
	tu := tenantry.TaskUpdate{Title: req.Title.ptr(), Completed: req.Completed.ptr()}
	switch {
	case req.AssignedToID.Null:
		tu.ClearAssignee = true
	case req.AssignedToID.Set:
		a := strings.TrimSpace(req.AssignedToID.Value)
		tu.AssignedToID = &a
	}
	t, err := s.projects(r).UpdateTask(r.Context(), id, tu)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// handleTaskDelete answers DELETE /api/tasks/{id} with 204.
func (s *Server) handleTaskDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "task_id")
	if err != nil {
		return err
	}
	if err := s.projects(r).DeleteTask(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
