package http

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/tenantry/tenantry"
)

// bolaState is tenant A's records that tenant B's callers aim at.
type bolaState struct {
	project, task, invitation, apiKey, session string
	member                                     caller
}

// snapshot reads everything of tenant A that the matrix tries to change.
func (e *testEnv) bolaSnapshot(t *testing.T, owner caller, a bolaState) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, path := range []string{
		"/api/projects/" + a.project,
		"/api/tasks/" + a.task,
		"/api/projects",
		"/api/tasks",
		"/api/members",
		"/api/invitations",
		"/api/api-keys",
		"/api/settings",
		"/api/sessions/" + a.session + "/messages",
		"/api/audit",
	} {
		out[path] = e.must(t, owner, "GET", path, nil, http.StatusOK, nil).Body
	}
	return out
}

// TestBOLA calls every route that takes an id with tenant B's credentials
// on tenant A's ids, and checks that each answers as if the record did not
// exist and that nothing of A changed.
func TestBOLA(t *testing.T) {
	t.Parallel()
	for _, be := range testBackends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, be.open(t))
			fa := e.newFixture(t, "tenant-a", "pro")
			fb := e.newFixture(t, "tenant-b", "pro")

			a := bolaState{member: fa.Member}
			a.project = e.createProject(t, fa.Owner, "A project").ID
			a.task = e.createTask(t, fa.Owner, a.project, "A task", &fa.Member.UserID).ID
			var inv, key, sess struct {
				ID        string `json:"id"`
				SessionID string `json:"session_id"`
			}
			e.must(t, fa.Owner, "POST", "/api/invitations", map[string]any{"email": "a-invitee@example.com", "role": "member"}, 201, &inv)
			e.must(t, fa.Owner, "POST", "/api/api-keys", map[string]any{"name": "A key", "role": "member"}, 201, &key)
			e.must(t, fa.Member, "POST", "/api/sessions", nil, 201, &sess)
			e.must(t, fa.Member, "POST", "/api/chat", map[string]any{"session_id": sess.SessionID, "message": "A secret"}, 200, nil)
			a.invitation, a.apiKey, a.session = inv.ID, key.ID, sess.SessionID

			bProject := e.createProject(t, fb.Owner, "B project").ID
			bTask := e.createTask(t, fb.Owner, bProject, "B task", nil).ID

			before := e.bolaSnapshot(t, fa.Owner, a)
			bCallers := map[string]caller{
				"owner token": fb.Owner,
				"owner key":   e.apiKey(t, fb.Owner, tenantry.RoleOwner),
				"admin token": fb.Admin,
			}
			type attack struct {
				method, path string
				body         any
				want         int
				code, field  string
			}
			var attacks []attack
			for _, res := range []struct{ path, patch string }{
				{"/api/projects/" + a.project, `{"name": "pwned"}`},
				{"/api/tasks/" + a.task, `{"title": "pwned", "completed": true}`},
			} {
				attacks = append(attacks,
					attack{"GET", res.path, nil, 404, "not_found", ""},
					attack{"PATCH", res.path, rawBody{Data: res.patch}, 404, "not_found", ""},
					attack{"DELETE", res.path, nil, 404, "not_found", ""},
				)
			}
			attacks = append(attacks,
				attack{"PATCH", "/api/tasks/" + a.task, rawBody{Data: `{"assigned_to_id": null}`}, 404, "not_found", ""},
				attack{"POST", "/api/tasks", map[string]any{"project_id": a.project, "title": "x"}, 404, "not_found", ""},
				attack{"POST", "/api/tasks", map[string]any{"project_id": bProject, "title": "x", "assigned_to_id": a.member.UserID}, 422, "validation_failed", "assigned_to_id"},
				attack{"PATCH", "/api/tasks/" + bTask, map[string]any{"assigned_to_id": a.member.UserID}, 422, "validation_failed", "assigned_to_id"},
				attack{"PATCH", "/api/members/" + a.member.UserID, map[string]any{"role": "admin"}, 404, "not_found", ""},
				attack{"DELETE", "/api/members/" + a.member.UserID, nil, 404, "not_found", ""},
				attack{"DELETE", "/api/invitations/" + a.invitation, nil, 404, "not_found", ""},
				attack{"DELETE", "/api/api-keys/" + a.apiKey, nil, 404, "not_found", ""},
				// API.md: a session of another tenant is forbidden with a
				// fixed message, decided from the opaque id alone.
				attack{"GET", "/api/sessions/" + a.session + "/messages", nil, 403, "forbidden", ""},
				attack{"POST", "/api/chat", map[string]any{"session_id": a.session, "message": "hi"}, 403, "forbidden", ""},
			)

			for cname, c := range bCallers {
				for _, at := range attacks {
					t.Run(cname+" "+at.method+" "+at.path, func(t *testing.T) {
						r := e.do(t, c, at.method, at.path, at.body)
						if r.Status != at.want || r.errCode() != at.code {
							t.Fatalf("got %d %q, want %d %q; body %s", r.Status, r.errCode(), at.want, at.code, r.Body)
						}
						if at.field != "" {
							if _, ok := r.errFields()[at.field]; !ok {
								t.Errorf("got fields %v, want %q", r.errFields(), at.field)
							}
						}
						for _, secret := range []string{"A project", "A task", "A secret", "a-invitee"} {
							if bytes.Contains(r.Body, []byte(secret)) {
								t.Errorf("body leaks %q: %s", secret, r.Body)
							}
						}
					})
				}
				// Filters on A's ids find nothing.
				for _, path := range []string{"/api/tasks?project_id=" + a.project, "/api/tasks?assigned_to_id=" + a.member.UserID} {
					t.Run(cname+" list "+path, func(t *testing.T) {
						r := e.must(t, c, "GET", path, nil, 200, nil)
						if items, _ := listOf[tenantry.Task](t, r); len(items) != 0 {
							t.Errorf("got %d of A's tasks, want 0", len(items))
						}
					})
				}
			}
			// B's user token naming tenant A is not a member; B's key naming
			// tenant A conflicts with the key's own tenant.
			e.run(t, []apiCase{
				{name: "B user on A", as: fb.Owner.in("tenant-a"), method: "GET", path: "/api/projects/" + a.project, want: 403, code: "not_a_member"},
				{name: "B key on A", as: bCallers["owner key"].in("tenant-a"), method: "GET", path: "/api/projects/" + a.project, want: 400, code: "tenant_conflict"},
			})

			after := e.bolaSnapshot(t, fa.Owner, a)
			for path, b := range before {
				if !bytes.Equal(b, after[path]) {
					t.Errorf("GET %s changed:\nbefore %s\nafter  %s", path, b, after[path])
				}
			}
		})
	}
}
