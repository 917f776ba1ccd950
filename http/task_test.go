package http

import (
	"maps"
	"net/http"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestTasks(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "pro")
	outsider := e.signup(t, e.email("outsider"))
	p := e.createProject(t, f.Owner, "Alpha")
	q := e.createProject(t, f.Owner, "Beta")
	t1 := e.createTask(t, f.Member, p.ID, "first", &f.Member.UserID)
	e.createTask(t, f.Member, q.ID, "second", nil)
	unknown := tenantry.NewID()

	titles := func(want ...string) func(t *testing.T, r resp) {
		return func(t *testing.T, r resp) {
			items, _ := listOf[tenantry.Task](t, r)
			var got []string
			for _, x := range items {
				got = append(got, x.Title)
			}
			if len(got) != len(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("got %v, want %v", got, want)
				}
			}
		}
	}
	task := func(check func(x tenantry.Task) string) func(t *testing.T, r resp) {
		return func(t *testing.T, r resp) {
			var got tenantry.Task
			r.decode(t, &got)
			if msg := check(got); msg != "" {
				t.Errorf("%s; got %+v", msg, got)
			}
		}
	}

	e.run(t, []apiCase{
		{name: "list", as: f.Member, method: "GET", path: "/api/tasks", want: 200, check: titles("first", "second")},
		{name: "list by project", as: f.Member, method: "GET", path: "/api/tasks?project_id=" + q.ID, want: 200, check: titles("second")},
		{name: "list by assignee", as: f.Member, method: "GET", path: "/api/tasks?assigned_to_id=" + f.Member.UserID, want: 200, check: titles("first")},
		{name: "list not completed", as: f.Member, method: "GET", path: "/api/tasks?completed=false", want: 200, check: titles("first", "second")},
		{name: "list completed", as: f.Member, method: "GET", path: "/api/tasks?completed=true", want: 200, check: titles()},
		{name: "list bad completed", as: f.Member, method: "GET", path: "/api/tasks?completed=yes-ish", want: 400, code: "bad_request"},
		{name: "list bad project_id", as: f.Member, method: "GET", path: "/api/tasks?project_id=zzz", want: 400, code: "bad_request"},
		{name: "list bad assigned_to_id", as: f.Member, method: "GET", path: "/api/tasks?assigned_to_id=zzz", want: 400, code: "bad_request"},
		{name: "create", as: f.Admin, method: "POST", path: "/api/tasks", body: map[string]any{"project_id": p.ID, "title": " third ", "completed": true, "assigned_to_id": f.Admin.UserID}, want: 201,
			check: task(func(x tenantry.Task) string {
				if x.Title != "third" || !x.Completed || x.AssignedToID == nil || *x.AssignedToID != f.Admin.UserID || x.ProjectID != p.ID {
					return "fields not stored"
				}
				return ""
			})},
		{name: "create unknown project", as: f.Member, method: "POST", path: "/api/tasks", body: map[string]any{"project_id": unknown, "title": "x"}, want: 404, code: "not_found"},
		{name: "create malformed project", as: f.Member, method: "POST", path: "/api/tasks", body: map[string]any{"project_id": "nope", "title": "x"}, want: 404, code: "not_found"},
		{name: "create no project", as: f.Member, method: "POST", path: "/api/tasks", body: map[string]any{"title": "x"}, want: 422, code: "validation_failed", field: "project_id"},
		{name: "create no title", as: f.Member, method: "POST", path: "/api/tasks", body: map[string]any{"project_id": p.ID}, want: 422, code: "validation_failed", field: "title"},
		{name: "create non-member assignee", as: f.Member, method: "POST", path: "/api/tasks", body: map[string]any{"project_id": p.ID, "title": "x", "assigned_to_id": outsider.UserID}, want: 422, code: "validation_failed", field: "assigned_to_id"},
		{name: "create malformed assignee", as: f.Member, method: "POST", path: "/api/tasks", body: map[string]any{"project_id": p.ID, "title": "x", "assigned_to_id": "bob"}, want: 422, code: "validation_failed", field: "assigned_to_id"},
		{name: "get", as: f.Member, method: "GET", path: "/api/tasks/" + t1.ID, want: 200, check: task(func(x tenantry.Task) string {
			if x.ID != t1.ID {
				return "another task"
			}
			return ""
		})},
		{name: "get unknown", as: f.Member, method: "GET", path: "/api/tasks/" + unknown, want: 404, code: "not_found"},
		{name: "patch completed only", as: f.Member, method: "PATCH", path: "/api/tasks/" + t1.ID, body: map[string]any{"completed": true}, want: 200,
			check: task(func(x tenantry.Task) string {
				if !x.Completed || x.Title != "first" || x.AssignedToID == nil || *x.AssignedToID != f.Member.UserID {
					return "absent fields changed"
				}
				return ""
			})},
		{name: "patch reassign", as: f.Member, method: "PATCH", path: "/api/tasks/" + t1.ID, body: map[string]any{"assigned_to_id": f.Owner.UserID}, want: 200,
			check: task(func(x tenantry.Task) string {
				if x.AssignedToID == nil || *x.AssignedToID != f.Owner.UserID {
					return "not reassigned"
				}
				return ""
			})},
		{name: "patch non-member assignee", as: f.Member, method: "PATCH", path: "/api/tasks/" + t1.ID, body: map[string]any{"assigned_to_id": outsider.UserID}, want: 422, code: "validation_failed", field: "assigned_to_id"},
		{name: "patch unassign", as: f.Member, method: "PATCH", path: "/api/tasks/" + t1.ID, body: rawBody{Data: `{"assigned_to_id": null}`}, want: 200,
			check: task(func(x tenantry.Task) string {
				if x.AssignedToID != nil || !x.Completed {
					return "not unassigned, or completed lost"
				}
				return ""
			})},
		{name: "patch null title", as: f.Member, method: "PATCH", path: "/api/tasks/" + t1.ID, body: rawBody{Data: `{"title": null}`}, want: 422, code: "validation_failed", field: "title"},
		{name: "patch unknown field", as: f.Member, method: "PATCH", path: "/api/tasks/" + t1.ID, body: map[string]any{"priority": 1}, want: 422, code: "validation_failed"},
		{name: "delete", as: f.Member, method: "DELETE", path: "/api/tasks/" + t1.ID, want: 204},
		{name: "get deleted", as: f.Member, method: "GET", path: "/api/tasks/" + t1.ID, want: 404, code: "not_found"},
		{name: "delete project deletes tasks", as: f.Owner, method: "DELETE", path: "/api/projects/" + q.ID, want: 204, check: func(t *testing.T, _ resp) {
			r := e.must(t, f.Member, "GET", "/api/tasks?project_id="+q.ID, nil, http.StatusOK, nil)
			if items, _ := listOf[tenantry.Task](t, r); len(items) != 0 {
				t.Errorf("got %d tasks of a deleted project, want 0", len(items))
			}
		}},
	})
}

// TestTaskRefsSayOneThing checks that an id that cannot be a project or a
// member gets the projects service's own answer, the one an unknown id of
// the right form gets and the pages show: the API no longer parses them
// with messages of its own.
func TestTaskRefsSayOneThing(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "refs", "pro")
	p := e.createProject(t, f.Owner, "Alpha")
	task := e.createTask(t, f.Owner, p.ID, "first", nil)
	type answer struct {
		Status        int
		Code, Message string
		Fields        map[string]string
	}
	do := func(method, path string, body any) answer {
		r := e.do(t, f.Owner, method, path, body)
		var env errorEnvelope
		r.decode(t, &env)
		return answer{r.Status, env.Error.Code, env.Error.Message, env.Error.Fields}
	}
	project := answer{404, tenantry.ENOTFOUND, "Project not found.", nil}
	member := answer{422, tenantry.EINVALID, "Some fields are invalid.", map[string]string{"assigned_to_id": "must be a member of the tenant"}}
	tests := []struct {
		name         string
		method, path string
		body         any
		want         answer
	}{
		{"malformed project", "POST", "/api/tasks", map[string]any{"project_id": "nope", "title": "x"}, project},
		{"unknown project", "POST", "/api/tasks", map[string]any{"project_id": tenantry.NewID(), "title": "x"}, project},
		{"malformed assignee", "POST", "/api/tasks", map[string]any{"project_id": p.ID, "title": "x", "assigned_to_id": "nope"}, member},
		{"stranger assignee", "POST", "/api/tasks", map[string]any{"project_id": p.ID, "title": "x", "assigned_to_id": tenantry.NewID()}, member},
		{"malformed assignee on update", "PATCH", "/api/tasks/" + task.ID, map[string]any{"assigned_to_id": "nope"}, member},
		{"stranger assignee on update", "PATCH", "/api/tasks/" + task.ID, map[string]any{"assigned_to_id": tenantry.NewID()}, member},
	}
	for _, tt := range tests {
		got := do(tt.method, tt.path, tt.body)
		if got.Status != tt.want.Status || got.Code != tt.want.Code || got.Message != tt.want.Message || !maps.Equal(got.Fields, tt.want.Fields) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
