package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

func TestProjectsAndTasks(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	bob := e.inviteAndAccept(t, owner, "acme", "bob@acme.test", "Bob", tenantry.RoleMember)

	r := owner.post("/t/acme/projects", url.Values{"name": {"Website"}, "description": {"The new site"}})
	mustStatus(t, "create project", r, http.StatusSeeOther)
	ps := e.projects(t, "acme")
	if len(ps) != 1 {
		t.Fatalf("projects: got %d, want 1", len(ps))
	}
	p := ps[0]
	if got, want := r.Location, "/t/acme/projects/"+p.ID; got != want {
		t.Errorf("redirect: got %q, want %q", got, want)
	}
	list := owner.get("/t/acme/projects")
	mustStatus(t, "project list", list, http.StatusOK)
	mustContain(t, "project list", list.Body, "Website", "The new site", "1 of 3 projects used")

	dup := owner.post("/t/acme/projects", url.Values{"name": {"Website"}})
	mustStatus(t, "duplicate project", dup, http.StatusConflict)
	empty := owner.post("/t/acme/projects", url.Values{"name": {"  "}})
	mustStatus(t, "empty name", empty, http.StatusUnprocessableEntity)
	mustContain(t, "empty name", empty.Body, "Name required")

	bobID := memberID(t, e, "acme", "bob@acme.test")
	mustStatus(t, "add task", owner.post("/t/acme/projects/"+p.ID+"/tasks", url.Values{"title": {"Write copy"}, "assigned_to_id": {bobID}}), http.StatusSeeOther)
	mustStatus(t, "add task 2", bob.post("/t/acme/projects/"+p.ID+"/tasks", url.Values{"title": {"Pick fonts"}}), http.StatusSeeOther)
	tasks, _, err := projects.New(e.Store.Tenant(p.TenantID), tenantry.DefaultPlans()).Tasks(context.Background(), tenantry.TaskFilter{ProjectID: p.ID})
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks: got %d (%v), want 2", len(tasks), err)
	}
	if tasks[0].AssignedToID == nil || *tasks[0].AssignedToID != bobID {
		t.Errorf("assignee: got %v, want %s", tasks[0].AssignedToID, bobID)
	}
	page := owner.get("/t/acme/projects/" + p.ID)
	mustStatus(t, "project page", page, http.StatusOK)
	mustContain(t, "project page", page.Body, "Write copy", "Pick fonts", "Bob", "unassigned")

	mustStatus(t, "complete", bob.post("/t/acme/tasks/"+tasks[1].ID+"/toggle", nil), http.StatusSeeOther)
	done := owner.get("/t/acme/projects/" + p.ID + "?completed=yes")
	mustContain(t, "done filter", done.Body, "Pick fonts")
	mustNotContain(t, "done filter", done.Body, "Write copy")
	mine := owner.get("/t/acme/projects/" + p.ID + "?assignee=" + bobID)
	mustContain(t, "assignee filter", mine.Body, "Write copy")
	mustNotContain(t, "assignee filter", mine.Body, "Pick fonts")

	r = owner.post("/t/acme/tasks/"+tasks[0].ID, url.Values{"title": {"Write better copy"}, "assigned_to_id": {""}, "completed": {"on"}})
	mustStatus(t, "edit task", r, http.StatusSeeOther)
	got, err := projects.New(e.Store.Tenant(p.TenantID), tenantry.DefaultPlans()).Task(context.Background(), tasks[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Write better copy" || !got.Completed || got.AssignedToID != nil {
		t.Errorf("edited task: got %+v", got)
	}
	// An assignee who is not a member is refused with a friendly message.
	e.signup(t, "eve@else.test", "Eve", "", "")
	eve, err := e.Store.UserByEmail(context.Background(), "eve@else.test")
	if err != nil {
		t.Fatal(err)
	}
	bad := owner.post("/t/acme/projects/"+p.ID+"/tasks", url.Values{"title": {"x"}, "assigned_to_id": {eve.ID}})
	mustStatus(t, "non-member assignee", bad, http.StatusUnprocessableEntity)
	mustContain(t, "non-member assignee", bad.Body, "Assignee")

	r = owner.post("/t/acme/projects/"+p.ID, url.Values{"name": {"Website v2"}, "description": {"d"}})
	mustStatus(t, "edit project", r, http.StatusSeeOther)
	inactive := owner.get("/t/acme/projects?active=no")
	mustContain(t, "inactive filter", inactive.Body, "Website v2")
	search := owner.get("/t/acme/projects?q=nothing-like-it")
	mustNotContain(t, "search", search.Body, "Website v2")

	mustStatus(t, "delete task", owner.post("/t/acme/tasks/"+tasks[1].ID+"/delete", nil), http.StatusSeeOther)
	mustStatus(t, "delete project", owner.post("/t/acme/projects/"+p.ID+"/delete", nil), http.StatusSeeOther)
	if got := len(e.projects(t, "acme")); got != 0 {
		t.Errorf("projects after delete: got %d, want 0", got)
	}
	mustStatus(t, "deleted project page", owner.get("/t/acme/projects/"+p.ID), http.StatusNotFound)
}

func TestPlanLimitMessage(t *testing.T) {
	e := newEnv(t)
	c := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	for _, n := range []string{"One", "Two", "Three"} {
		mustStatus(t, "create "+n, c.post("/t/acme/projects", url.Values{"name": {n}}), http.StatusSeeOther)
	}
	r := c.post("/t/acme/projects", url.Values{"name": {"Four"}})
	mustStatus(t, "fourth project", r, http.StatusForbidden)
	mustContain(t, "fourth project", r.Body, "The free plan allows 3 projects.", `value="Four"`, "3 of 3 projects used")
	d := c.get("/t/acme/")
	mustContain(t, "dashboard", d.Body, "Plan limit reached.")
}

// memberID returns the user id of email.
func memberID(tb testing.TB, e *env, slug, email string) string {
	tb.Helper()
	u, err := e.Store.UserByEmail(context.Background(), email)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := e.Store.Tenant(e.tenant(tb, slug).ID).Member(context.Background(), u.ID); err != nil {
		tb.Fatalf("%s is not a member of %s: %v", email, slug, err)
	}
	return u.ID
}

func TestCrossTenantRefused(t *testing.T) {
	e := newEnv(t)
	acme := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	globex := e.signup(t, "gus@globex.test", "Gus", "Globex", "globex")
	mustStatus(t, "globex project", globex.post("/t/globex/projects", url.Values{"name": {"Globex Secret Plan"}}), http.StatusSeeOther)
	gp := e.projects(t, "globex")[0]
	mustStatus(t, "globex task", globex.post("/t/globex/projects/"+gp.ID+"/tasks", url.Values{"title": {"Globex hidden task"}}), http.StatusSeeOther)
	gts, _, _ := projects.New(e.Store.Tenant(gp.TenantID), tenantry.DefaultPlans()).Tasks(context.Background(), tenantry.TaskFilter{})
	mustStatus(t, "acme project", acme.post("/t/acme/projects", url.Values{"name": {"Acme Plan"}}), http.StatusSeeOther)

	// Acme's user is not a member of globex.
	r := acme.get("/t/globex/")
	mustStatus(t, "globex dashboard", r, http.StatusForbidden)
	mustContain(t, "globex dashboard", r.Body, "Not a member")
	mustNotContain(t, "globex dashboard", r.Body, "Globex Secret Plan")

	// Globex records do not exist under acme.
	for _, path := range []string{"/t/acme/projects/" + gp.ID} {
		r := acme.get(path)
		mustStatus(t, path, r, http.StatusNotFound)
		mustNotContain(t, path, r.Body, "Globex Secret Plan")
	}
	for _, path := range []string{"/t/acme/tasks/" + gts[0].ID + "/toggle", "/t/acme/tasks/" + gts[0].ID + "/delete", "/t/acme/projects/" + gp.ID + "/delete", "/t/acme/projects/" + gp.ID + "/tasks"} {
		r := acme.post(path, url.Values{"title": {"x"}, "name": {"x"}})
		mustStatus(t, path, r, http.StatusNotFound)
	}
	// Acme's pages never show globex data.
	for _, path := range []string{"/t/acme/", "/t/acme/projects", "/t/acme/members", "/t/acme/audit", "/t/acme/api-keys", "/t/acme/settings", "/t/acme/chat"} {
		r := acme.get(path)
		mustStatus(t, path, r, http.StatusOK)
		mustNotContain(t, path, r.Body, "Globex Secret Plan", "Globex hidden task", "gus@globex.test", gp.ID)
	}
	// The globex task is unchanged.
	got, err := projects.New(e.Store.Tenant(gp.TenantID), tenantry.DefaultPlans()).Task(context.Background(), gts[0].ID)
	if err != nil || got.Completed {
		t.Errorf("globex task after acme's attempts: got %+v, %v", got, err)
	}
	if got := len(e.projects(t, "globex")); got != 1 {
		t.Errorf("globex projects: got %d, want 1", got)
	}
}
