package http

import (
	"net/http"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
	"github.com/tenantry/tenantry/inmem"
)

// TestTextInputs sends NUL characters and invalid UTF-8 in every text input
// that reaches the database, on both backends: bodies are refused with 422
// naming the field, query parameters with 400, before the database (on
// PostgreSQL they used to answer 500).
func TestTextInputs(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			store := b.open(t)
			e := newTestEnv(t, store, func(c *Config) {
				c.Assistant = assistant.New(store, c.Plans, inmem.NewRateLimiter(inmem.RateLimiterOptions{}), nil)
			})
			f := e.newFixture(t, "texts", "pro")
			adm := e.admin(t)
			p := e.createProject(t, f.Owner, "Plain")
			tk := e.createTask(t, f.Owner, p.ID, "Plain", nil)
			var sess struct {
				SessionID string `json:"session_id"`
			}
			e.must(t, f.Member, "POST", "/api/sessions", nil, http.StatusCreated, &sess)
			const nul = "a\x00b"
			tenantLine := `{"type":"tenant","data":{"id":"` + tenantry.NewID() + `","name":"Imported","slug":"imported","plan":"free","status":"active"}}` + "\n"
			nd := func(s string) rawBody { return rawBody{Data: s, ContentType: "application/x-ndjson"} }
			bad := http.StatusUnprocessableEntity
			e.run(t, []apiCase{
				{name: "project name", as: f.Owner, method: "POST", path: "/api/projects", body: map[string]any{"name": nul}, want: bad, code: tenantry.EINVALID, field: "name"},
				{name: "project description", as: f.Owner, method: "POST", path: "/api/projects", body: map[string]any{"name": "ok", "description": nul}, want: bad, code: tenantry.EINVALID, field: "description"},
				{name: "project rename", as: f.Owner, method: "PATCH", path: "/api/projects/" + p.ID, body: map[string]any{"name": nul}, want: bad, code: tenantry.EINVALID, field: "name"},
				{name: "project description update", as: f.Owner, method: "PATCH", path: "/api/projects/" + p.ID, body: map[string]any{"description": nul}, want: bad, code: tenantry.EINVALID, field: "description"},
				{name: "task title", as: f.Owner, method: "POST", path: "/api/tasks", body: map[string]any{"project_id": p.ID, "title": nul}, want: bad, code: tenantry.EINVALID, field: "title"},
				{name: "task retitle", as: f.Owner, method: "PATCH", path: "/api/tasks/" + tk.ID, body: map[string]any{"title": nul}, want: bad, code: tenantry.EINVALID, field: "title"},
				{name: "settings value", as: f.Owner, method: "PATCH", path: "/api/settings", body: map[string]any{"welcome": nul}, want: bad, code: tenantry.EINVALID, field: "settings"},
				{name: "settings key", as: f.Owner, method: "PATCH", path: "/api/settings", body: rawBody{Data: `{"k\u0000":"v"}`}, want: bad, code: tenantry.EINVALID, field: "settings"},
				{name: "settings nested value", as: f.Owner, method: "PATCH", path: "/api/settings", body: map[string]any{"custom": map[string]any{"theme": map[string]any{"colour": []any{"red", nul}}}}, want: bad, code: tenantry.EINVALID, field: "settings"},
				{name: "settings nested key", as: f.Owner, method: "PATCH", path: "/api/settings", body: rawBody{Data: `{"custom":{"theme":{"\u0000":1}}}`}, want: bad, code: tenantry.EINVALID, field: "settings"},
				{name: "api key name", as: f.Owner, method: "POST", path: "/api/api-keys", body: map[string]any{"name": nul, "role": "member"}, want: bad, code: tenantry.EINVALID, field: "name"},
				{name: "invitation email", as: f.Owner, method: "POST", path: "/api/invitations", body: map[string]any{"email": "a\x00@example.com", "role": "member"}, want: bad, code: tenantry.EINVALID, field: "email"},
				{name: "member email", as: f.Owner, method: "POST", path: "/api/members", body: map[string]any{"email": "a\x00@example.com", "role": "member"}, want: bad, code: tenantry.EINVALID, field: "email"},
				{name: "chat message", as: f.Member, method: "POST", path: "/api/chat", body: map[string]any{"session_id": sess.SessionID, "message": nul}, want: bad, code: tenantry.EINVALID, field: "message"},
				{name: "projects q NUL", as: f.Member, method: "GET", path: "/api/projects?q=a%00", want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
				{name: "projects q invalid UTF-8", as: f.Member, method: "GET", path: "/api/projects?q=%c0%ae", want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
				{name: "audit action NUL", as: f.Owner, method: "GET", path: "/api/audit?action=%00", want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
				{name: "audit action invalid UTF-8", as: f.Owner, method: "GET", path: "/api/audit?action=%ff", want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
				{name: "admin search NUL", as: adm, method: "GET", path: "/api/admin/tenants?q=%00", want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
				{name: "admin search invalid UTF-8", as: adm, method: "GET", path: "/api/admin/tenants?q=%fe%ff", want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
				{name: "admin audit action", as: adm, method: "GET", path: "/api/admin/audit?action=%ff", want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
				{name: "signup email", method: "POST", path: "/api/auth/signup", body: map[string]any{"email": "x\x00@example.com", "password": testPassword, "name": "X"}, want: bad, code: tenantry.EINVALID, field: "email"},
				{name: "signup name", method: "POST", path: "/api/auth/signup", body: map[string]any{"email": e.email("nul"), "password": testPassword, "name": nul}, want: bad, code: tenantry.EINVALID, field: "name"},
				{name: "signup tenant name", method: "POST", path: "/api/auth/signup", body: map[string]any{"email": e.email("nul"), "password": testPassword, "name": "X", "tenant_name": nul, "tenant_slug": "nulls"}, want: bad, code: tenantry.EINVALID, field: "tenant_name"},
				{name: "signup tenant slug", method: "POST", path: "/api/auth/signup", body: map[string]any{"email": e.email("nul"), "password": testPassword, "name": "X", "tenant_name": "N", "tenant_slug": "nul\x00"}, want: bad, code: tenantry.EINVALID, field: "tenant_slug"},
				{name: "login email", method: "POST", path: "/api/auth/login", body: map[string]any{"email": "x\x00@example.com", "password": testPassword}, want: http.StatusUnauthorized, code: tenantry.EUNAUTHENTICATED},
				{name: "admin tenant name", as: adm, method: "POST", path: "/api/admin/tenants", body: map[string]any{"name": nul, "slug": "nul-name"}, want: bad, code: tenantry.EINVALID, field: "name"},
				{name: "admin tenant domain", as: adm, method: "POST", path: "/api/admin/tenants", body: map[string]any{"name": "N", "slug": "nul-domain", "domain": "a\x00.example.com"}, want: bad, code: tenantry.EINVALID, field: "domain"},
				{name: "admin tenant settings", as: adm, method: "POST", path: "/api/admin/tenants", body: map[string]any{"name": "N", "slug": "nul-settings", "settings": map[string]any{"welcome": nul}}, want: bad, code: tenantry.EINVALID, field: "settings"},
				{name: "admin owner email", as: adm, method: "POST", path: "/api/admin/tenants", body: map[string]any{"name": "N", "slug": "nul-owner", "owner_email": "o\x00@example.com"}, want: bad, code: tenantry.EINVALID, field: "owner_email"},
				{name: "admin rename", as: adm, method: "PATCH", path: "/api/admin/tenants/" + f.Tenant.ID, body: map[string]any{"name": nul}, want: bad, code: tenantry.EINVALID, field: "name"},
				{name: "admin settings", as: adm, method: "PATCH", path: "/api/admin/tenants/" + f.Tenant.ID, body: map[string]any{"settings": map[string]any{"welcome": nul}}, want: bad, code: tenantry.EINVALID, field: "settings"},
				{name: "admin tenant ref", as: adm, method: "GET", path: "/api/admin/tenants/a%00b", want: http.StatusNotFound, code: tenantry.ETENANTNOTFOUND},
				{name: "import project name", as: adm, method: "POST", path: "/api/admin/tenants/import", body: nd(tenantLine + `{"type":"project","data":{"id":"` + tenantry.NewID() + `","name":"a\u0000b"}}` + "\n"), want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
				{name: "import tenant name", as: adm, method: "POST", path: "/api/admin/tenants/import", body: nd(`{"type":"tenant","data":{"id":"` + tenantry.NewID() + `","name":"a\u0000","slug":"imported","plan":"free","status":"active"}}` + "\n"), want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
				{name: "import invalid UTF-8", as: adm, method: "POST", path: "/api/admin/tenants/import", body: nd(tenantLine + `{"type":"audit_event","data":{"id":"` + tenantry.NewID() + `","action":"x","data":{"k":"` + "\xff" + `"}}}` + "\n"), want: http.StatusBadRequest, code: tenantry.EBADREQUEST},
			})
			var ps listResponse[tenantry.Project]
			e.must(t, f.Owner, "GET", "/api/projects", nil, http.StatusOK, &ps)
			if len(ps.Items) != 1 || ps.Items[0].Name != "Plain" {
				t.Errorf("projects after the refused requests: got %+v, want only Plain", ps.Items)
			}
		})
	}
}
