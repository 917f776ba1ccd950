package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/tenantry/tenantry"
)

// newAdmin makes a platform admin and returns their client.
func newAdmin(tb testing.TB, e *env) *client {
	tb.Helper()
	if _, _, err := e.Auth.EnsurePlatformAdmin(context.Background(), "root@platform.test", testPassword, "Root"); err != nil {
		tb.Fatal(err)
	}
	return e.login(tb, "root@platform.test")
}

func TestConsoleAdminOnly(t *testing.T) {
	e := newEnv(t)
	ann := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	anon := e.newClient(t)
	r := anon.get("/admin/")
	mustStatus(t, "anonymous console", r, http.StatusSeeOther)
	r = ann.get("/admin/")
	mustStatus(t, "non-admin console", r, http.StatusForbidden)
	mustContain(t, "non-admin console", r.Body, "Only platform administrators")
	// The console exists on the central host only.
	mustStatus(t, "console under a tenant", ann.get("/t/acme/admin/"), http.StatusNotFound)
}

func TestConsoleTenantLifecycle(t *testing.T) {
	e := newEnv(t)
	ann := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	e.signup(t, "gus@globex.test", "Gus", "Globex", "globex")
	e.signup(t, "olga@x.test", "Olga", "", "")
	admin := newAdmin(t, e)

	list := admin.get("/admin/")
	mustStatus(t, "console", list, http.StatusOK)
	mustContain(t, "console", list.Body, "Acme", "Globex")
	search := admin.get("/admin/?q=glob")
	mustContain(t, "search", search.Body, "Globex")
	mustNotContain(t, "search", search.Body, `/admin/tenants/acme"`)

	// Create with an existing user as owner.
	r := admin.post("/admin/tenants", url.Values{"name": {"Initech"}, "slug": {"initech"}, "plan": {"starter"}, "owner_email": {"olga@x.test"}})
	mustStatus(t, "create", r, http.StatusSeeOther)
	page := admin.get(r.Location)
	mustContain(t, "created tenant", page.Body, "Initech", "starter plan", "olga@x.test is its owner")
	// Create with an unknown owner: an invitation link is shown once.
	r = admin.post("/admin/tenants", url.Values{"name": {"Hooli"}, "slug": {"hooli"}, "owner_email": {"new@hooli.test"}})
	mustStatus(t, "create with invitation", r, http.StatusSeeOther)
	mustContain(t, "invitation link", admin.get(r.Location).Body, "/invitations/inv_")
	dup := admin.post("/admin/tenants", url.Values{"name": {"Acme 2"}, "slug": {"acme"}})
	mustStatus(t, "duplicate slug", dup, http.StatusConflict)
	reserved := admin.post("/admin/tenants", url.Values{"name": {"W"}, "slug": {"www"}})
	mustStatus(t, "reserved slug", reserved, http.StatusUnprocessableEntity)

	// Change plan.
	mustStatus(t, "plan", admin.post("/admin/tenants/acme/plan", url.Values{"plan": {"pro"}}), http.StatusSeeOther)
	if got := e.tenant(t, "acme").Plan; got != "pro" {
		t.Errorf("plan: got %q, want pro", got)
	}
	mustStatus(t, "bad plan", admin.post("/admin/tenants/acme/plan", url.Values{"plan": {"gold"}}), http.StatusUnprocessableEntity)
	detail := admin.get("/admin/tenants/acme")
	mustContain(t, "detail", detail.Body, "Projects", "Members", "tenant.update")

	// Suspend: acme's dashboard says so.
	mustStatus(t, "suspend", admin.post("/admin/tenants/acme/status", url.Values{"action": {"suspend"}}), http.StatusSeeOther)
	d := ann.get("/t/acme/")
	mustStatus(t, "suspended dashboard", d, http.StatusForbidden)
	mustContain(t, "suspended dashboard", d.Body, "This tenant is suspended")
	mustStatus(t, "suspended post", ann.post("/t/acme/projects", url.Values{"name": {"x"}}), http.StatusForbidden)
	mustStatus(t, "activate", admin.post("/admin/tenants/acme/status", url.Values{"action": {"activate"}}), http.StatusSeeOther)
	mustStatus(t, "active dashboard", ann.get("/t/acme/"), http.StatusOK)
	mustStatus(t, "archive", admin.post("/admin/tenants/globex/status", url.Values{"action": {"archive"}}), http.StatusSeeOther)
	if got := e.tenant(t, "globex").Status; got != tenantry.TenantArchived {
		t.Errorf("status: got %q, want archived", got)
	}

	audit := admin.get("/admin/audit")
	mustStatus(t, "audit", audit, http.StatusOK)
	mustContain(t, "audit", audit.Body, "tenant.suspend", "tenant.activate", "tenant.archive", "tenant.create",
		`<a href="/admin/tenants/acme">tenant `+e.tenant(t, "acme").Name+`</a>`)
	mustNotContain(t, "audit", audit.Body, `<small class="mono muted">`)
	narrowed := admin.get("/admin/audit?tenant=globex")
	mustNotContain(t, "narrowed audit", narrowed.Body, "<code>tenant.suspend</code>")
	mustContain(t, "narrowed audit", narrowed.Body, "<code>tenant.archive</code>")

	// Delete needs the slug typed.
	wrong := admin.post("/admin/tenants/acme/delete", url.Values{"confirm": {"acm"}})
	mustStatus(t, "delete unconfirmed", wrong, http.StatusUnprocessableEntity)
	e.tenant(t, "acme")
	mustStatus(t, "delete", admin.post("/admin/tenants/acme/delete", url.Values{"confirm": {"acme"}}), http.StatusSeeOther)
	if _, err := e.Store.TenantBySlug(context.Background(), "acme"); err == nil {
		t.Errorf("acme still exists after delete")
	}
	mustStatus(t, "deleted tenant dashboard", ann.get("/t/acme/"), http.StatusNotFound)
	mustStatus(t, "deleted tenant console", admin.get("/admin/tenants/acme"), http.StatusNotFound)
}
