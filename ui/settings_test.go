package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestSettingsAndChat(t *testing.T) {
	e := newEnv(t)
	c := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	s := c.get("/t/acme/settings")
	mustStatus(t, "settings", s, http.StatusOK)
	mustContain(t, "settings", s.Body, "<td>Projects</td>", "<td>API requests per second</td>", "Assistant persona")
	mustNotContain(t, "settings", s.Body, "max_projects", "requests_per_second")
	r := c.post("/t/acme/settings", url.Values{"welcome": {"Hello from Acme HQ"}, "model": {""}, "system_prompt": {"Be brief."}})
	mustStatus(t, "save settings", r, http.StatusSeeOther)
	tn := e.tenant(t, "acme")
	if got := tn.Settings.String(tenantry.SettingWelcome); got != "Hello from Acme HQ" {
		t.Errorf("welcome: got %q", got)
	}
	if _, ok := tn.Settings[tenantry.SettingModel]; ok {
		t.Errorf("an empty model was stored")
	}
	chat := c.get("/t/acme/chat")
	mustStatus(t, "chat", chat, http.StatusOK)
	mustContain(t, "chat", chat.Body, "Hello from Acme HQ")
	r = c.post("/t/acme/chat", url.Values{"message": {"hello there"}})
	mustStatus(t, "send", r, http.StatusSeeOther)
	chat = c.get("/t/acme/chat")
	mustContain(t, "chat after send", chat.Body, "hello there")
	if n := strings.Count(chat.Body, `class="msg assistant"`); n < 2 {
		t.Errorf("assistant messages: got %d, want the welcome and a reply", n)
	}
	empty := c.post("/t/acme/chat", url.Values{"message": {""}})
	mustStatus(t, "empty message", empty, http.StatusUnprocessableEntity)

	// Another tenant's page of the same browser starts its own session.
	e.signup(t, "gus@globex.test", "Gus", "Globex", "globex")
	g := e.login(t, "gus@globex.test")
	gc := g.get("/t/globex/chat")
	mustNotContain(t, "globex chat", gc.Body, "hello there", "Hello from Acme HQ")
}

func TestAPIKeysSecretShownOnce(t *testing.T) {
	e := newEnv(t)
	c := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	r := c.post("/t/acme/api-keys", url.Values{"name": {"CI"}, "role": {"member"}})
	mustStatus(t, "create key", r, http.StatusSeeOther)
	page := c.get("/t/acme/api-keys")
	secret := regexp.MustCompile(`tnt_[0-9a-f]{32}[A-Za-z0-9_-]{43}`).FindString(page.Body)
	if secret == "" {
		t.Fatalf("no API key secret on the page after creation:\n%s", page.Body)
	}
	again := c.get("/t/acme/api-keys")
	mustContain(t, "keys", again.Body, "CI")
	mustNotContain(t, "keys again", again.Body, secret)
	if _, err := e.Auth.Authenticate(t.Context(), secret); err != nil {
		t.Errorf("the shown key does not authenticate: %v", err)
	}
	id := regexp.MustCompile(`/api-keys/([0-9a-f-]{36})/revoke`).FindStringSubmatch(again.Body)
	if id == nil {
		t.Fatal("no revoke form")
	}
	mustStatus(t, "revoke", c.post("/t/acme/api-keys/"+id[1]+"/revoke", nil), http.StatusSeeOther)
	if _, err := e.Auth.Authenticate(t.Context(), secret); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
		t.Errorf("revoked key: got %v, want unauthenticated", err)
	}
	bad := c.post("/t/acme/api-keys", url.Values{"name": {""}, "role": {"member"}})
	mustStatus(t, "no name", bad, http.StatusUnprocessableEntity)
}

func TestAuditPage(t *testing.T) {
	e := newEnv(t)
	c := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	mustStatus(t, "create", c.post("/t/acme/projects", url.Values{"name": {"Audited"}}), http.StatusSeeOther)
	r := c.get("/t/acme/audit")
	mustStatus(t, "audit", r, http.StatusOK)
	mustContain(t, "audit", r.Body, "<code>project.create</code>")
	f := c.get("/t/acme/audit?action=task.create")
	mustNotContain(t, "filtered audit", f.Body, "<code>project.create</code>")
}

func TestStaticAndNotFound(t *testing.T) {
	e := newEnv(t)
	c := e.newClient(t)
	for _, p := range []string{"/static/htmx.min.js", "/static/app.css", "/static/htmx.LICENSE.txt"} {
		mustStatus(t, p, c.get(p), http.StatusOK)
	}
	mustStatus(t, "unknown tenant", c.get("/t/nope/"), http.StatusNotFound)
	mustStatus(t, "unknown page", c.get("/nothing-here"), http.StatusNotFound)
	r := c.get("/login")
	if got := r.Header.Get("Content-Security-Policy"); !strings.Contains(got, "default-src 'self'") {
		t.Errorf("CSP: got %q", got)
	}
	if got := r.Header.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options: got %q", got)
	}
}
