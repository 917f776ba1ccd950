package http

import (
	"net/http"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestProjects(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "pro")
	p := e.createProject(t, f.Owner, "Alpha")
	e.must(t, f.Owner, "POST", "/api/projects", map[string]any{"name": "Beta", "description": "b", "is_active": false}, http.StatusCreated, nil)
	unknown := tenantry.NewID()

	names := func(want ...string) func(t *testing.T, r resp) {
		return func(t *testing.T, r resp) {
			items, _ := listOf[tenantry.Project](t, r)
			var got []string
			for _, p := range items {
				got = append(got, p.Name)
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
	project := func(check func(p tenantry.Project) string) func(t *testing.T, r resp) {
		return func(t *testing.T, r resp) {
			var got tenantry.Project
			r.decode(t, &got)
			if msg := check(got); msg != "" {
				t.Error(msg)
			}
		}
	}

	e.run(t, []apiCase{
		{name: "list all", as: f.Member, method: "GET", path: "/api/projects", want: 200, check: names("Alpha", "Beta")},
		{name: "list active", as: f.Member, method: "GET", path: "/api/projects?is_active=true", want: 200, check: names("Alpha")},
		{name: "list inactive", as: f.Member, method: "GET", path: "/api/projects?is_active=false", want: 200, check: names("Beta")},
		{name: "list q", as: f.Member, method: "GET", path: "/api/projects?q=alp", want: 200, check: names("Alpha")},
		{name: "list page", as: f.Member, method: "GET", path: "/api/projects?limit=1", want: 200, check: func(t *testing.T, r resp) {
			items, next := listOf[tenantry.Project](t, r)
			if len(items) != 1 || next == nil {
				t.Fatalf("got %d items and cursor %v, want 1 and a cursor", len(items), next)
			}
			r2 := e.must(t, f.Member, "GET", "/api/projects?limit=1&cursor="+*next, nil, 200, nil)
			items2, next2 := listOf[tenantry.Project](t, r2)
			if len(items2) != 1 || items2[0].Name != "Beta" || next2 != nil {
				t.Fatalf("got page 2 %+v next %v, want Beta and no cursor", items2, next2)
			}
		}},
		{name: "list bad is_active", as: f.Member, method: "GET", path: "/api/projects?is_active=maybe", want: 400, code: "bad_request"},
		{name: "list bad limit", as: f.Member, method: "GET", path: "/api/projects?limit=abc", want: 400, code: "bad_request"},
		{name: "list limit zero", as: f.Member, method: "GET", path: "/api/projects?limit=0", want: 400, code: "bad_request"},
		{name: "list limit over max", as: f.Member, method: "GET", path: "/api/projects?limit=201", want: 400, code: "bad_request"},
		{name: "list limit 500", as: f.Member, method: "GET", path: "/api/projects?limit=500", want: 400, code: "bad_request"},
		{name: "list limit max", as: f.Member, method: "GET", path: "/api/projects?limit=200", want: 200},
		{name: "list bad cursor", as: f.Member, method: "GET", path: "/api/projects?cursor=!!", want: 400, code: "bad_request"},
		{name: "create", as: f.Member, method: "POST", path: "/api/projects", body: map[string]any{"name": "  Gamma "}, want: 201,
			check: project(func(p tenantry.Project) string {
				if p.Name != "Gamma" || !p.IsActive || p.TenantID != f.Tenant.ID || p.ID == "" {
					return "got " + p.Name + ", want trimmed active Gamma of this tenant"
				}
				return ""
			})},
		{name: "create duplicate", as: f.Member, method: "POST", path: "/api/projects", body: map[string]any{"name": "Alpha"}, want: 409, code: "conflict"},
		{name: "create no name", as: f.Member, method: "POST", path: "/api/projects", body: map[string]any{"description": "x"}, want: 422, code: "validation_failed", field: "name"},
		{name: "create unknown field", as: f.Member, method: "POST", path: "/api/projects", body: map[string]any{"name": "X", "colour": "red"}, want: 422, code: "validation_failed"},
		{name: "create malformed", as: f.Member, method: "POST", path: "/api/projects", body: rawBody{Data: `{"name":`}, want: 400, code: "bad_request"},
		{name: "create not json", as: f.Member, method: "POST", path: "/api/projects", body: rawBody{Data: `name=x`, ContentType: "application/x-www-form-urlencoded"}, want: 415, code: "unsupported_media_type"},
		{name: "get", as: f.Member, method: "GET", path: "/api/projects/" + p.ID, want: 200,
			check: project(func(got tenantry.Project) string {
				if got.ID != p.ID || got.Name != "Alpha" {
					return "got another project"
				}
				return ""
			})},
		{name: "get unknown", as: f.Member, method: "GET", path: "/api/projects/" + unknown, want: 404, code: "not_found"},
		{name: "get malformed id", as: f.Member, method: "GET", path: "/api/projects/not-an-id", want: 404, code: "not_found"},
		{name: "patch description only", as: f.Member, method: "PATCH", path: "/api/projects/" + p.ID, body: map[string]any{"description": "new"}, want: 200,
			check: project(func(got tenantry.Project) string {
				if got.Name != "Alpha" || got.Description != "new" || !got.IsActive {
					return "absent fields changed or description not set"
				}
				return ""
			})},
		{name: "patch deactivate", as: f.Member, method: "PATCH", path: "/api/projects/" + p.ID, body: map[string]any{"is_active": false}, want: 200,
			check: project(func(got tenantry.Project) string {
				if got.IsActive || got.Description != "new" {
					return "is_active not cleared or description lost"
				}
				return ""
			})},
		{name: "patch null description clears", as: f.Member, method: "PATCH", path: "/api/projects/" + p.ID, body: rawBody{Data: `{"description": null}`}, want: 200,
			check: project(func(got tenantry.Project) string {
				if got.Description != "" {
					return "description not cleared"
				}
				return ""
			})},
		{name: "patch null name", as: f.Member, method: "PATCH", path: "/api/projects/" + p.ID, body: rawBody{Data: `{"name": null}`}, want: 422, code: "validation_failed", field: "name"},
		{name: "patch empty name", as: f.Member, method: "PATCH", path: "/api/projects/" + p.ID, body: map[string]any{"name": " "}, want: 422, code: "validation_failed", field: "name"},
		{name: "patch duplicate name", as: f.Member, method: "PATCH", path: "/api/projects/" + p.ID, body: map[string]any{"name": "Beta"}, want: 409, code: "conflict"},
		{name: "patch unknown", as: f.Member, method: "PATCH", path: "/api/projects/" + unknown, body: map[string]any{"name": "Z"}, want: 404, code: "not_found"},
		{name: "delete", as: f.Member, method: "DELETE", path: "/api/projects/" + p.ID, want: 204},
		{name: "get deleted", as: f.Member, method: "GET", path: "/api/projects/" + p.ID, want: 404, code: "not_found"},
		{name: "delete again", as: f.Member, method: "DELETE", path: "/api/projects/" + p.ID, want: 404, code: "not_found"},
		{name: "unauthenticated", as: caller{Tenant: "acme"}, method: "GET", path: "/api/projects", want: 401, code: "unauthenticated"},
	})
}

func TestProjectPlanLimit(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "small", "free")
	for _, name := range []string{"one", "two", "three"} {
		e.createProject(t, f.Owner, name)
	}
	e.run(t, []apiCase{
		{name: "fourth", as: f.Owner, method: "POST", path: "/api/projects", body: map[string]any{"name": "four"}, want: 403, code: "plan_limit"},
		{name: "count unchanged", as: f.Owner, method: "GET", path: "/api/projects", want: 200, check: func(t *testing.T, r resp) {
			if items, _ := listOf[tenantry.Project](t, r); len(items) != 3 {
				t.Errorf("got %d projects, want 3", len(items))
			}
		}},
	})
}

// FuzzPatchDecode checks that PATCH bodies never panic the decoder and that
// a decoded optional field is null exactly when the body says null.
func FuzzPatchDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"name": null}`, `{"name": "x", "is_active": true}`, `{"assigned_to_id": null, "title": "t"}`, `{"completed": "yes"}`, `{"description": 5}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var p projectUpdateRequest
		if err := decodeBytes([]byte(body), &p); err == nil {
			if p.Name.Null && p.Name.ptr() != nil {
				t.Errorf("got a value for a null name from %q", body)
			}
			if !p.Name.Set && (p.Name.Null || p.Name.Value != "") {
				t.Errorf("got an unset name with content from %q", body)
			}
		}
		var tk taskUpdateRequest
		if err := decodeBytes([]byte(body), &tk); err == nil && tk.AssignedToID.Null && tk.AssignedToID.ptr() != nil {
			t.Errorf("got a value for a null assignee from %q", body)
		}
	})
}
