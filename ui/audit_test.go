package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestAuditPageNamesActorsAndTargets(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	e.inviteAndAccept(t, owner, "acme", "bob@acme.test", "Bob", tenantry.RoleMember)
	mustStatus(t, "create project", owner.post("/t/acme/projects", url.Values{"name": {"Website"}}), http.StatusSeeOther)
	mustStatus(t, "create project 2", owner.post("/t/acme/projects", url.Values{"name": {"Old site"}}), http.StatusSeeOther)
	var old string
	for _, p := range e.projects(t, "acme") {
		if p.Name == "Old site" {
			old = p.ID
		}
	}
	mustStatus(t, "delete project", owner.post("/t/acme/projects/"+old+"/delete", nil), http.StatusSeeOther)
	var website string
	for _, p := range e.projects(t, "acme") {
		website = p.ID
	}

	page := owner.get("/t/acme/audit")
	mustStatus(t, "audit", page, http.StatusOK)
	mustContain(t, "audit", page.Body,
		"Ann (ann@acme.test)",
		`<a href="/t/acme/projects/`+website+`">project Website</a>`,
		"project Old site (deleted)",
		"member Ann (ann@acme.test)",
		"Bob (bob@acme.test)",
	)
	if got := regexp.MustCompile(`invitation of bob@acme.test`).FindAllString(page.Body, -1); len(got) != 2 {
		t.Errorf("audit: got %d rows naming the invitation of bob@acme.test, want 2 (create and accept)", len(got))
	}
	// No raw ids stand for people or records.
	if m := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}</small>`).FindString(page.Body); m != "" {
		t.Errorf("audit page shows a raw id: %s", m)
	}
	mustNotContain(t, "audit", page.Body, "<td>system</td>")
}
