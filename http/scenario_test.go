package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

// scenario is one API call in the style of PocketBase's ApiScenario: who
// calls, what, and what the answer must and must not contain. Paths and
// bodies may name fixture values as {name} (see scenarioWorld).
type scenario struct {
	name        string
	as          string // a caller of the world: "acme.owner", "anon", ...
	method      string
	url         string
	body        string
	contentType string // default application/json when body is set
	status      int
	contains    []string
	notContains []string
}

// scenarioWorld is the fixture every scenario runs in: tenants acme (free
// plan, at its project quota) and globex, their users, an outsider, and
// named ids.
type scenarioWorld struct {
	callers map[string]caller
	vars    map[string]string
}

func (w *scenarioWorld) expand(s string) string {
	for k, v := range w.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

func newScenarioWorld(t *testing.T, e *testEnv) *scenarioWorld {
	t.Helper()
	acme := e.newFixture(t, "acme", "free")
	globex := e.newFixture(t, "globex", "pro")
	outsider := e.signup(t, e.email("outsider"))
	w := &scenarioWorld{
		callers: map[string]caller{
			"anon":          {Tenant: "acme"},
			"bad token":     {Token: "not-a-token", Tenant: "acme"},
			"acme.owner":    acme.Owner,
			"acme.admin":    acme.Admin,
			"acme.member":   acme.Member,
			"globex.owner":  globex.Owner,
			"outsider":      outsider.in("acme"),
			"outsider.user": outsider,
		},
		vars: map[string]string{
			"acme.member.id":   acme.Member.UserID,
			"acme.owner.id":    acme.Owner.UserID,
			"outsider.email":   outsider.Email,
			"outsider.id":      outsider.UserID,
			"acme.member.mail": acme.Member.Email,
			"unknown":          tenantry.NewID(),
		},
	}
	p := e.createProject(t, acme.Owner, "Roadmap")
	e.createProject(t, acme.Owner, "Website")
	e.createProject(t, acme.Owner, "Hiring")
	w.vars["acme.project"] = p.ID
	w.vars["acme.task"] = e.createTask(t, acme.Owner, p.ID, "Write plan", &acme.Member.UserID).ID
	gp := e.createProject(t, globex.Owner, "Globex secret")
	w.vars["globex.project"] = gp.ID
	w.vars["globex.task"] = e.createTask(t, globex.Owner, gp.ID, "Globex task", nil).ID
	w.vars["globex.member.id"] = globex.Member.UserID
	return w
}

var scenarios = []scenario{
	// Happy paths.
	{name: "tenant", as: "acme.member", method: "GET", url: "/api/tenant", status: 200,
		contains: []string{`"slug":"acme"`, `"role":"member"`, `"max_projects":3`, `"projects":3`}},
	{name: "list projects", as: "acme.member", method: "GET", url: "/api/projects?is_active=true&q=road", status: 200,
		contains: []string{`"Roadmap"`, `"next_cursor":null`}, notContains: []string{"Website", "Globex"}},
	{name: "list tasks of project", as: "acme.member", method: "GET", url: "/api/tasks?project_id={acme.project}&completed=false", status: 200,
		contains: []string{`"Write plan"`}, notContains: []string{"Globex"}},
	{name: "complete task", as: "acme.member", method: "PATCH", url: "/api/tasks/{acme.task}", body: `{"completed": true}`, status: 200,
		contains: []string{`"completed":true`, `"assigned_to_id":"{acme.member.id}"`}},
	{name: "unassign task", as: "acme.member", method: "PATCH", url: "/api/tasks/{acme.task}", body: `{"assigned_to_id": null}`, status: 200,
		contains: []string{`"assigned_to_id":null`, `"completed":true`}},
	{name: "members", as: "acme.member", method: "GET", url: "/api/members", status: 200,
		contains: []string{`"role":"owner"`, `"{acme.member.mail}"`}},
	{name: "settings patch", as: "acme.admin", method: "PATCH", url: "/api/settings", body: `{"welcome": "Hi"}`, status: 200,
		contains: []string{`"welcome":"Hi"`}},
	{name: "session", as: "acme.member", method: "POST", url: "/api/sessions", status: 201,
		contains: []string{`"session_id"`, `"welcome":"Hi"`}},

	// 400 bad_request.
	{name: "malformed json", as: "acme.member", method: "POST", url: "/api/projects", body: `{"name": `, status: 400, contains: []string{`"bad_request"`}},
	{name: "body not an object", as: "acme.member", method: "POST", url: "/api/projects", body: `["x"]`, status: 400, contains: []string{`"bad_request"`}},
	{name: "bad is_active", as: "acme.member", method: "GET", url: "/api/projects?is_active=maybe", status: 400, contains: []string{`"bad_request"`}},
	{name: "bad completed", as: "acme.member", method: "GET", url: "/api/tasks?completed=perhaps", status: 400, contains: []string{`"bad_request"`}},
	{name: "bad project_id filter", as: "acme.member", method: "GET", url: "/api/tasks?project_id=1%27%20OR%201=1", status: 400, contains: []string{`"bad_request"`}},
	{name: "bad cursor", as: "acme.member", method: "GET", url: "/api/members?cursor=zzz", status: 400, contains: []string{`"bad_request"`}},
	{name: "bad limit", as: "acme.member", method: "GET", url: "/api/tasks?limit=-1", status: 400, contains: []string{`"bad_request"`}},

	// 401 unauthenticated.
	{name: "no credentials", as: "anon", method: "GET", url: "/api/projects", status: 401, contains: []string{`"unauthenticated"`}},
	{name: "bad token", as: "bad token", method: "GET", url: "/api/tenant", status: 401, contains: []string{`"unauthenticated"`}},
	{name: "accept without credentials", as: "anon", method: "POST", url: "/api/invitations/inv_x/accept", status: 401, contains: []string{`"unauthenticated"`}},

	// 403 not_a_member, forbidden, plan_limit.
	{name: "outsider", as: "outsider", method: "GET", url: "/api/projects", status: 403, contains: []string{`"not_a_member"`}, notContains: []string{"Roadmap"}},
	{name: "member cannot patch settings", as: "acme.member", method: "PATCH", url: "/api/settings", body: `{"welcome": "x"}`, status: 403, contains: []string{`"forbidden"`}},
	{name: "member cannot add members", as: "acme.member", method: "POST", url: "/api/members", body: `{"email": "{outsider.email}", "role": "member"}`, status: 403, contains: []string{`"forbidden"`}},
	{name: "member cannot read audit", as: "acme.member", method: "GET", url: "/api/audit", status: 403, contains: []string{`"forbidden"`}},
	{name: "member cannot create keys", as: "acme.member", method: "POST", url: "/api/api-keys", body: `{"name": "k", "role": "member"}`, status: 403, contains: []string{`"forbidden"`}},
	{name: "admin cannot grant owner", as: "acme.admin", method: "PATCH", url: "/api/members/{acme.member.id}", body: `{"role": "owner"}`, status: 403, contains: []string{`"forbidden"`}},
	{name: "project quota", as: "acme.owner", method: "POST", url: "/api/projects", body: `{"name": "Fourth"}`, status: 403, contains: []string{`"plan_limit"`, "3"}},
	{name: "other tenant's session", as: "globex.owner", method: "POST", url: "/api/chat", body: `{"session_id": "{acme.session}", "message": "x"}`, status: 403, contains: []string{`"forbidden"`, "session does not belong to tenant"}},

	// 404 not_found.
	{name: "unknown project", as: "acme.member", method: "GET", url: "/api/projects/{unknown}", status: 404, contains: []string{`"not_found"`}},
	{name: "other tenant's project", as: "acme.owner", method: "GET", url: "/api/projects/{globex.project}", status: 404, contains: []string{`"not_found"`}, notContains: []string{"Globex"}},
	{name: "other tenant's task", as: "acme.owner", method: "DELETE", url: "/api/tasks/{globex.task}", status: 404, contains: []string{`"not_found"`}},
	{name: "task in other tenant's project", as: "acme.member", method: "POST", url: "/api/tasks", body: `{"project_id": "{globex.project}", "title": "x"}`, status: 404, contains: []string{`"not_found"`}},
	{name: "add unknown user", as: "acme.owner", method: "POST", url: "/api/members", body: `{"email": "ghost@example.com", "role": "member"}`, status: 404, contains: []string{`"not_found"`}},
	{name: "other tenant's member", as: "acme.owner", method: "DELETE", url: "/api/members/{globex.member.id}", status: 404, contains: []string{`"not_found"`}},
	{name: "unknown route", as: "acme.member", method: "GET", url: "/api/nothing-here", status: 404, contains: []string{`"not_found"`}},

	// 409 conflict.
	{name: "duplicate project name", as: "acme.admin", method: "PATCH", url: "/api/projects/{acme.project}", body: `{"name": "Website"}`, status: 409, contains: []string{`"conflict"`}},
	{name: "already a member", as: "acme.owner", method: "POST", url: "/api/members", body: `{"email": "{acme.member.mail}", "role": "member"}`, status: 409, contains: []string{`"conflict"`}},

	// 413 and 415.
	{name: "body too large", as: "acme.member", method: "POST", url: "/api/tasks", body: `{"title": "` + strings.Repeat("a", 1<<20) + `"}`, status: 413, contains: []string{`"payload_too_large"`}},
	{name: "form body", as: "acme.member", method: "POST", url: "/api/projects", body: `name=x`, contentType: "application/x-www-form-urlencoded", status: 415, contains: []string{`"unsupported_media_type"`}},
	{name: "text body", as: "acme.admin", method: "PATCH", url: "/api/settings", body: `{"a":1}`, contentType: "text/plain", status: 415, contains: []string{`"unsupported_media_type"`}},

	// 422 validation_failed.
	{name: "project without name", as: "acme.admin", method: "PATCH", url: "/api/projects/{acme.project}", body: `{"name": ""}`, status: 422, contains: []string{`"validation_failed"`, `"name"`}},
	{name: "unknown field", as: "acme.member", method: "POST", url: "/api/tasks", body: `{"project_id": "{acme.project}", "title": "x", "owner": "me"}`, status: 422, contains: []string{`"validation_failed"`, `"owner"`}},
	{name: "non-member assignee", as: "acme.member", method: "POST", url: "/api/tasks", body: `{"project_id": "{acme.project}", "title": "x", "assigned_to_id": "{globex.member.id}"}`, status: 422, contains: []string{`"validation_failed"`, `"assigned_to_id"`}},
	{name: "bad role", as: "acme.owner", method: "POST", url: "/api/invitations", body: `{"email": "new@example.com", "role": "god"}`, status: 422, contains: []string{`"validation_failed"`, `"role"`}},
	{name: "last owner", as: "acme.owner", method: "DELETE", url: "/api/members/{acme.owner.id}", status: 422, contains: []string{`"validation_failed"`}},
	{name: "empty chat message", as: "acme.member", method: "POST", url: "/api/chat", body: `{"session_id": "{acme.session}", "message": " "}`, status: 422, contains: []string{`"validation_failed"`, `"message"`}},

	// Nothing above changed the data.
	{name: "still three projects", as: "acme.owner", method: "GET", url: "/api/projects", status: 200,
		contains: []string{"Roadmap", "Website", "Hiring"}, notContains: []string{"Fourth", "Globex"}},
}

// TestScenarios runs every scenario against SQLite and PostgreSQL.
func TestScenarios(t *testing.T) {
	t.Parallel()
	for _, be := range testBackends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, be.open(t))
			w := newScenarioWorld(t, e)
			var sess struct {
				SessionID string `json:"session_id"`
			}
			e.must(t, w.callers["acme.member"], "POST", "/api/sessions", nil, http.StatusCreated, &sess)
			w.vars["acme.session"] = sess.SessionID
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					c, ok := w.callers[sc.as]
					if !ok {
						t.Fatalf("unknown caller %q", sc.as)
					}
					var body any
					if sc.body != "" {
						body = rawBody{Data: w.expand(sc.body), ContentType: sc.contentType}
					}
					url := w.expand(sc.url)
					r := e.do(t, c, sc.method, url, body)
					if r.Status != sc.status {
						t.Fatalf("%s %s: got status %d, want %d; body %.500s", sc.method, url, r.Status, sc.status, r.Body)
					}
					if got := r.Header.Get("X-Request-ID"); got == "" {
						t.Errorf("got no X-Request-ID header")
					}
					for _, s := range sc.contains {
						if s = w.expand(s); !strings.Contains(string(r.Body), s) {
							t.Errorf("body %.500s does not contain %s", r.Body, s)
						}
					}
					for _, s := range sc.notContains {
						if s = w.expand(s); strings.Contains(string(r.Body), s) {
							t.Errorf("body %.500s contains %s", r.Body, s)
						}
					}
				})
			}
		})
	}
}
