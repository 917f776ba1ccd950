package ui

import (
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
)

// projectsPage is the data of the project list.
type projectsPage struct {
	Projects []*tenantry.Project
	Next     string
	Q        string
	Active   string
	Quota    usageRow
}

// projects lists the tenant's projects (?q=, ?active=yes|no) with the
// create form.
func (h *Handler) projects(q *request) error {
	return h.renderProjects(q, http.StatusOK, nil, nil)
}

// renderProjects renders the project list, with a failed create's error.
func (h *Handler) renderProjects(q *request, status int, formErr error, form map[string]string) error {
	qs := q.r.URL.Query()
	f := tenantry.ProjectFilter{Q: strings.TrimSpace(qs.Get("q")), Page: tenantry.Page{Cursor: qs.Get("cursor")}}
	switch qs.Get("active") {
	case "yes":
		t := true
		f.IsActive = &t
	case "no":
		t := false
		f.IsActive = &t
	}
	ps, next, err := q.projects().Projects(q.ctx(), f)
	if err != nil {
		return err
	}
	u, err := q.usage()
	if err != nil {
		return err
	}
	p := &projectsPage{Projects: ps, Next: next, Q: f.Q, Active: qs.Get("active"), Quota: h.quota(q.tenant, u)[0]}
	v := &view{Title: "Projects", Nav: "projects", Page: p, Form: form, Live: "projects"}
	v.formErr(formErr)
	h.renderView(q, status, "projects", v)
	return nil
}

// projectCreate creates a project; the storage enforces the plan quota.
func (h *Handler) projectCreate(q *request) error {
	f := q.r.PostForm
	pc := tenantry.ProjectCreate{Name: f.Get("name"), Description: f.Get("description")}
	p, err := q.projects().CreateProject(q.ctx(), pc)
	if err != nil {
		return h.renderProjects(q, statusOf(err), err, map[string]string{"name": f.Get("name"), "description": f.Get("description")})
	}
	if err := q.flash("Project " + p.Name + " created."); err != nil {
		return err
	}
	q.redirect("/projects/" + p.ID)
	return nil
}

// projectPage is the data of one project with its tasks.
type projectPage struct {
	Project   *tenantry.Project
	Tasks     []*tenantry.Task
	Next      string
	Members   []*tenantry.Member
	Names     map[string]string
	Completed string
	Assignee  string
}

// project shows a project, its tasks (?completed=yes|no, ?assignee=) and
// the forms to change them.
func (h *Handler) project(q *request) error {
	return h.renderProject(q, http.StatusOK, nil, nil)
}

// renderProject renders the project page with a failed form's error.
func (h *Handler) renderProject(q *request, status int, formErr error, form map[string]string) error {
	ts := q.store
	id, ok := tenantry.ParseID(q.r.PathValue("id"))
	if !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	p, err := q.projects().Project(q.ctx(), id)
	if err != nil {
		return err
	}
	qs := q.r.URL.Query()
	tf := tenantry.TaskFilter{ProjectID: p.ID, Page: tenantry.Page{Limit: tenantry.MaxPageSize, Cursor: qs.Get("cursor")}}
	switch qs.Get("completed") {
	case "yes":
		t := true
		tf.Completed = &t
	case "no":
		t := false
		tf.Completed = &t
	}
	if a, ok := tenantry.ParseID(qs.Get("assignee")); ok {
		tf.AssignedToID = a
	}
	tasks, next, err := q.projects().Tasks(q.ctx(), tf)
	if err != nil {
		return err
	}
	ms, err := allMembers(q, ts)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, m := range ms {
		names[m.UserID] = m.Name
	}
	pp := &projectPage{Project: p, Tasks: tasks, Next: next, Members: ms, Names: names, Completed: qs.Get("completed"), Assignee: tf.AssignedToID}
	v := &view{Title: p.Name, Nav: "projects", Page: pp, Form: form, Live: "project:" + p.ID}
	v.formErr(formErr)
	h.renderView(q, status, "project", v)
	return nil
}

// allMembers lists every member of the tenant.
func allMembers(q *request, ts tenantry.TenantStore) ([]*tenantry.Member, error) {
	var out []*tenantry.Member
	page := tenantry.Page{Limit: tenantry.MaxPageSize}
	for {
		ms, next, err := ts.Members(q.ctx(), page)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
		if next == "" || len(out) > 2000 {
			return out, nil
		}
		page.Cursor = next
	}
}

// projectUpdate changes a project's name, description and active flag.
func (h *Handler) projectUpdate(q *request) error {
	f := q.r.PostForm
	name, desc, active := f.Get("name"), f.Get("description"), f.Get("is_active") == "on"
	id, _ := tenantry.ParseID(q.r.PathValue("id"))
	if id == "" {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	if _, err := q.projects().UpdateProject(q.ctx(), id, tenantry.ProjectUpdate{Name: &name, Description: &desc, IsActive: &active}); err != nil {
		if statusOf(err) == http.StatusNotFound {
			return err
		}
		return h.renderProject(q, statusOf(err), err, map[string]string{"name": name, "description": desc})
	}
	if err := q.flash("Project saved."); err != nil {
		return err
	}
	q.redirect("/projects/" + id)
	return nil
}

// projectDelete deletes a project and its tasks.
func (h *Handler) projectDelete(q *request) error {
	id, _ := tenantry.ParseID(q.r.PathValue("id"))
	if id == "" {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Project not found.")
	}
	if err := q.projects().DeleteProject(q.ctx(), id); err != nil {
		return err
	}
	if err := q.flash("Project deleted."); err != nil {
		return err
	}
	q.redirect("/projects")
	return nil
}
