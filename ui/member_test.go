package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestMemberCannotReachManagementPages(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	bob := e.inviteAndAccept(t, owner, "acme", "bob@acme.test", "Bob", tenantry.RoleMember)
	d := bob.get("/t/acme/")
	mustStatus(t, "member dashboard", d, http.StatusOK)
	mustNotContain(t, "member dashboard nav", d.Body, `href="/t/acme/members"`, `href="/t/acme/settings"`, `href="/t/acme/api-keys"`, `href="/t/acme/audit"`)
	od := owner.get("/t/acme/")
	mustContain(t, "owner dashboard nav", od.Body, `href="/t/acme/members"`, `href="/t/acme/settings"`, `href="/t/acme/api-keys"`, `href="/t/acme/audit"`)
	for _, path := range []string{"/t/acme/members", "/t/acme/settings", "/t/acme/api-keys", "/t/acme/audit", "/admin/", "/admin/audit"} {
		r := bob.get(path)
		mustStatus(t, path, r, http.StatusForbidden)
	}
	posts := map[string]url.Values{
		"/t/acme/members/invite": {"email": {"x@acme.test"}, "role": {"member"}},
		"/t/acme/api-keys":       {"name": {"k"}, "role": {"member"}},
		"/t/acme/settings":       {"welcome": {"hacked"}},
		"/admin/tenants":         {"name": {"X"}, "slug": {"xx"}},
	}
	for path, form := range posts {
		mustStatus(t, path, bob.post(path, form), http.StatusForbidden)
	}
	if tn := e.tenant(t, "acme"); tn.Settings.String(tenantry.SettingWelcome) == "hacked" {
		t.Errorf("a member changed the settings")
	}
}

func TestMembersPage(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	e.inviteAndAccept(t, owner, "acme", "bob@acme.test", "Bob", tenantry.RoleMember)
	bobID := memberID(t, e, "acme", "bob@acme.test")
	r := owner.get("/t/acme/members")
	mustStatus(t, "members", r, http.StatusOK)
	mustContain(t, "members", r.Body, "ann@acme.test", "bob@acme.test", "2 of 5 members")

	mustStatus(t, "invite", owner.post("/t/acme/members/invite", url.Values{"email": {"cy@acme.test"}, "role": {"admin"}}), http.StatusSeeOther)
	r = owner.get("/t/acme/members")
	mustContain(t, "members", r.Body, "cy@acme.test", "Shown only once")
	again := owner.get("/t/acme/members")
	mustNotContain(t, "members again", again.Body, "/invitations/inv_")
	bad := owner.post("/t/acme/members/invite", url.Values{"email": {"not-an-email"}, "role": {"member"}})
	mustStatus(t, "bad invite", bad, http.StatusUnprocessableEntity)
	mustContain(t, "bad invite", bad.Body, "E-mail must be an e-mail address")

	mustStatus(t, "promote", owner.post("/t/acme/members/"+bobID+"/role", url.Values{"role": {"admin"}}), http.StatusSeeOther)
	m, err := e.Store.Tenant(e.tenant(t, "acme").ID).Member(context.Background(), bobID)
	if err != nil || m.Role != tenantry.RoleAdmin {
		t.Fatalf("bob after promotion: got %+v, %v", m, err)
	}
	// An admin cannot make anyone an owner.
	bob := e.login(t, "bob@acme.test")
	annID := memberID(t, e, "acme", "ann@acme.test")
	mustStatus(t, "admin demotes owner", bob.post("/t/acme/members/"+annID+"/role", url.Values{"role": {"member"}}), http.StatusForbidden)
	// An admin cannot revoke an owner invitation either.
	mustStatus(t, "invite owner", owner.post("/t/acme/members/invite", url.Values{"email": {"dee@acme.test"}, "role": {"owner"}}), http.StatusSeeOther)
	invs, _, err := e.Store.Tenant(e.tenant(t, "acme").ID).Invitations(context.Background(), tenantry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var ownerInv string
	for _, inv := range invs {
		if inv.Email == "dee@acme.test" {
			ownerInv = inv.ID
		}
	}
	mustStatus(t, "admin revokes owner invitation", bob.post("/t/acme/members/invitations/"+ownerInv+"/revoke", nil), http.StatusForbidden)
	if _, err := e.Store.Tenant(e.tenant(t, "acme").ID).Invitation(context.Background(), ownerInv); err != nil {
		t.Errorf("owner invitation after a refused revoke: got %v, want it pending", err)
	}
	mustStatus(t, "owner revokes owner invitation", owner.post("/t/acme/members/invitations/"+ownerInv+"/revoke", nil), http.StatusSeeOther)
	// The last owner cannot leave the tenant without an owner.
	last := owner.post("/t/acme/members/"+annID+"/role", url.Values{"role": {"member"}})
	if last.Status == http.StatusSeeOther {
		t.Errorf("demoting the last owner: got 303, want a refusal")
	}
	mustStatus(t, "remove", owner.post("/t/acme/members/"+bobID+"/remove", nil), http.StatusSeeOther)
	if _, err := e.Store.Tenant(e.tenant(t, "acme").ID).Member(context.Background(), bobID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
		t.Errorf("bob after removal: got %v, want not_found", err)
	}
	mustStatus(t, "removed member's dashboard", bob.get("/t/acme/"), http.StatusForbidden)
}

func TestMembersPageOffersOnlyWhatCanBeDone(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	admin := e.inviteAndAccept(t, owner, "acme", "bob@acme.test", "Bob", tenantry.RoleAdmin)
	annID := memberID(t, e, "acme", "ann@acme.test")
	bobID := memberID(t, e, "acme", "bob@acme.test")

	cases := []struct {
		name      string
		as        *client
		want, not []string
	}{
		{"only owner's view", owner,
			[]string{"the only owner", `/members/` + bobID + `/role`, `/members/` + bobID + `/remove`},
			[]string{`/members/` + annID + `/role`, `/members/` + annID + `/remove`}},
		{"admin's view", admin,
			[]string{"the only owner", `/members/` + bobID + `/remove`, ">Leave<"},
			[]string{`/members/` + annID + `/role`, `/members/` + annID + `/remove`}},
	}
	for _, tc := range cases {
		r := tc.as.get("/t/acme/members")
		mustStatus(t, tc.name, r, http.StatusOK)
		mustContain(t, tc.name, r.Body, tc.want...)
		mustNotContain(t, tc.name, r.Body, tc.not...)
	}

	// A form posted anyway (a stale page) is refused with one clean
	// sentence.
	r := owner.post("/t/acme/members/"+annID+"/remove", nil)
	mustStatus(t, "remove the only owner", r, http.StatusUnprocessableEntity)
	mustContain(t, "remove the only owner", r.Body, "A tenant must keep at least one owner.")
	mustNotContain(t, "remove the only owner", r.Body, "Please check the form", "owner..")
}

// TestMemberLeavesFromTheDashboard: any member may leave a tenant, on the
// pages as on the API (tenantry.Team); a plain member may remove no one
// else.
func TestMemberLeavesFromTheDashboard(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	cal := e.inviteAndAccept(t, owner, "acme", "cal@acme.test", "Cal", tenantry.RoleMember)
	e.inviteAndAccept(t, owner, "acme", "dee@acme.test", "Dee", tenantry.RoleMember)
	calID := memberID(t, e, "acme", "cal@acme.test")
	deeID := memberID(t, e, "acme", "dee@acme.test")

	dash := cal.get("/t/acme/")
	mustStatus(t, "member's dashboard", dash, http.StatusOK)
	mustContain(t, "member's dashboard", dash.Body, `/members/`+calID+`/remove`, "Leave Acme")
	mustNotContain(t, "owner's dashboard", owner.get("/t/acme/").Body, "Leave Acme")

	mustStatus(t, "member removes another member", cal.post("/t/acme/members/"+deeID+"/remove", nil), http.StatusForbidden)
	if _, err := e.Store.Tenant(e.tenant(t, "acme").ID).Member(context.Background(), deeID); err != nil {
		t.Errorf("dee after a refused removal: got %v, want still a member", err)
	}
	mustStatus(t, "member leaves", cal.post("/t/acme/members/"+calID+"/remove", nil), http.StatusSeeOther)
	if _, err := e.Store.Tenant(e.tenant(t, "acme").ID).Member(context.Background(), calID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
		t.Errorf("cal after leaving: got %v, want not_found", err)
	}
	mustStatus(t, "dashboard after leaving", cal.get("/t/acme/"), http.StatusForbidden)
}
