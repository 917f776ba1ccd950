package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/registry"
)

// TestConsoleTenantMembers gives a seeded tenant, which has no member, its
// owner from the console: the tenant page lists its members, an existing
// user is added at once, an unknown e-mail gets a link shown once, bad
// input re-renders the form, and the form needs the CSRF token.
func TestConsoleTenantMembers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	entries, err := registry.Parse(strings.NewReader(`{"id":"acme","name":"Acme Corp"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := registry.Apply(ctx, e.Store.Platform(), e.Store, entries); err != nil {
		t.Fatal(err)
	}
	olga := e.signup(t, "olga@x.test", "Olga", "", "")
	admin := newAdmin(t, e)

	page := admin.get("/admin/tenants/acme")
	mustStatus(t, "seeded tenant", page, http.StatusOK)
	mustContain(t, "seeded tenant", page.Body, "Owners and members", "No members yet", `action="/admin/tenants/acme/members"`, `name="csrf"`)

	mustStatus(t, "without csrf", admin.postRaw("/admin/tenants/acme/members", url.Values{"email": {"olga@x.test"}, "role": {"owner"}}), http.StatusForbidden)
	r := admin.post("/admin/tenants/acme/members", url.Values{"email": {"Olga@X.test"}, "role": {"owner"}})
	mustStatus(t, "add owner", r, http.StatusSeeOther)
	page = admin.get(r.Location)
	mustContain(t, "owner added", page.Body, "olga@x.test is now owner of Acme Corp.", "<td>Olga</td><td>olga@x.test</td><td>owner</td>")
	mustNotContain(t, "owner added", page.Body, "No members yet")
	mustStatus(t, "owner's dashboard", olga.get("/t/acme/"), http.StatusOK)

	r = admin.post("/admin/tenants/acme/members", url.Values{"email": {"new@acme.test"}, "role": {"member"}})
	mustStatus(t, "invite", r, http.StatusSeeOther)
	page = admin.get(r.Location)
	mustContain(t, "invitation", page.Body, "No user has new@acme.test yet: send them this member invitation link, shown only once.")
	if !regexp.MustCompile(`value="http://[^"]+/invitations/inv_[^"]+"`).MatchString(page.Body) {
		t.Errorf("invitation page lacks the link:\n%s", page.Body)
	}
	mustNotContain(t, "invitation shown once", admin.get("/admin/tenants/acme").Body, "/invitations/inv_")

	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"already a member", "/admin/tenants/acme/members", url.Values{"email": {"olga@x.test"}, "role": {"admin"}}, http.StatusConflict, "already a member"},
		{"bad e-mail", "/admin/tenants/acme/members", url.Values{"email": {"olga"}, "role": {"member"}}, http.StatusUnprocessableEntity, `value="olga"`},
		{"bad role", "/admin/tenants/acme/members", url.Values{"email": {"x@x.test"}, "role": {"king"}}, http.StatusUnprocessableEntity, "owner, admin or member"},
		{"unknown tenant", "/admin/tenants/nope/members", url.Values{"email": {"x@x.test"}, "role": {"member"}}, http.StatusNotFound, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := admin.post(tt.path, tt.form)
			mustStatus(t, tt.name, r, tt.status)
			mustContain(t, tt.name, r.Body, tt.want)
		})
	}
	mustStatus(t, "non-admin", olga.post("/admin/tenants/acme/members", url.Values{"email": {"z@x.test"}, "role": {"owner"}}), http.StatusForbidden)

	// The tenant's own trail: member.add on the member, by the admin.
	acme := e.tenant(t, "acme")
	evs, _, err := e.Store.Tenant(acme.ID).AuditEvents(ctx, tenantry.AuditFilter{Action: "member.add"})
	root, uerr := e.Store.UserByEmail(ctx, "root@platform.test")
	o, oerr := e.Store.UserByEmail(ctx, "olga@x.test")
	if err != nil || uerr != nil || oerr != nil || len(evs) != 1 || evs[0].TargetType != "member" || evs[0].TargetID != o.ID ||
		evs[0].Actor != (tenantry.AuditActor{Type: tenantry.ActorUser, ID: root.ID}) {
		t.Fatalf("member.add events: got %+v, %v, %v; want one on olga by the admin", evs, err, uerr)
	}
}
