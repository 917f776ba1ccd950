package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
)

// optional is a JSON field of a PATCH body that tells an absent field (Set
// false) from an explicit null (Set and Null true) and a value.
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON implements json.Unmarshaler; it is called for null too.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	*o = optional[T]{Set: true} // the last of duplicate keys wins
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// ptr returns a pointer to the value when it is set and not null.
func (o optional[T]) ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	v := o.Value
	return &v
}

// pathID returns the path wildcard name (or the first of the alternative
// names that is set) as a canonical id. A value that is not an id names no
// record, so it is not_found.
func pathID(r *http.Request, names ...string) (string, error) {
	for _, name := range names {
		if v := r.PathValue(name); v != "" {
			if id, ok := tenantry.ParseID(v); ok {
				return id, nil
			}
			break
		}
	}
	return "", tenantry.Errorf(tenantry.ENOTFOUND, "Not found.")
}

// idQuery returns the id in query parameter name, "" when absent, and
// bad_request for a value that is not an id.
func idQuery(r *http.Request, name string) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return "", nil
	}
	id, ok := tenantry.ParseID(v)
	if !ok {
		return "", tenantry.Errorf(tenantry.EBADREQUEST, "The %s parameter must be an id.", name)
	}
	return id, nil
}

// nullFields returns a validation error naming the fields that were sent as
// null but may not be, or nil.
func nullFields(fields map[string]bool) error {
	bad := map[string]string{}
	for name, isNull := range fields {
		if isNull {
			bad[name] = "must not be null"
		}
	}
	if len(bad) > 0 {
		return tenantry.Invalid(bad)
	}
	return nil
}

// projectCreateRequest is the body of POST /api/projects.
type projectCreateRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	IsActive    *bool  `json:"is_active"`
}

// projectUpdateRequest is the body of PATCH /api/projects/{id}.
type projectUpdateRequest struct {
	Name        optional[string] `json:"name"`
	Description optional[string] `json:"description"`
	IsActive    optional[bool]   `json:"is_active"`
}

// handleProjectList answers GET /api/projects (?is_active=, ?q=, ?limit=, ?cursor=).
func (s *Server) handleProjectList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	active, err := boolParam(r, "is_active")
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 200 {
		return tenantry.Errorf(tenantry.EBADREQUEST, "The q parameter is too long.")
	}
	items, next, err := s.projects(r).Projects(r.Context(), tenantry.ProjectFilter{IsActive: active, Q: q, Page: page})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, projectListBody{items, next})
}

// handleProjectCreate answers POST /api/projects.
func (s *Server) handleProjectCreate(w http.ResponseWriter, r *http.Request) error {
	var req projectCreateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	p, err := s.projects(r).CreateProject(r.Context(), tenantry.ProjectCreate{
		Name: req.Name, Description: req.Description, IsActive: req.IsActive,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, projectBody{p})
}

// handleProjectGet answers GET /api/projects/{id}.
func (s *Server) handleProjectGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "project_id")
	if err != nil {
		return err
	}
	p, err := s.projects(r).Project(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, projectBody{p})
}

// handleProjectUpdate answers PATCH /api/projects/{id}; absent fields are
// left alone.
func (s *Server) handleProjectUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "project_id")
	if err != nil {
		return err
	}
	var req projectUpdateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := nullFields(map[string]bool{"name": req.Name.Null, "is_active": req.IsActive.Null}); err != nil {
		return err
	}
	pu := tenantry.ProjectUpdate{Name: req.Name.ptr(), Description: req.Description.ptr(), IsActive: req.IsActive.ptr()}
	if req.Description.Null { // null clears the description
		empty := ""
		pu.Description = &empty
	}
	p, err := s.projects(r).UpdateProject(r.Context(), id, pu)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, projectBody{p})
}

// handleProjectDelete answers DELETE /api/projects/{id} with 204.
func (s *Server) handleProjectDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "project_id")
	if err != nil {
		return err
	}
	if err := s.projects(r).DeleteProject(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
