package http

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestMembers(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "free")
	joiner := e.signup(t, e.email("joiner"))
	leaver := e.addMember(t, f.Owner, e.email("leaver"), tenantry.RoleMember)
	stranger := e.signup(t, e.email("stranger"))
	member := func(role tenantry.Role) func(t *testing.T, r resp) {
		return func(t *testing.T, r resp) {
			var m tenantry.Member
			r.decode(t, &m)
			if m.Role != role || m.TenantID != f.Tenant.ID {
				t.Errorf("got role %q in %q, want %q in %q", m.Role, m.TenantID, role, f.Tenant.ID)
			}
		}
	}

	e.run(t, []apiCase{
		{name: "list by member", as: f.Member, method: "GET", path: "/api/members", want: 200, check: func(t *testing.T, r resp) {
			items, next := listOf[tenantry.Member](t, r)
			if len(items) != 4 || next != nil {
				t.Fatalf("got %d members (next %v), want 4", len(items), next)
			}
			if items[0].UserID != f.Owner.UserID || items[0].Role != tenantry.RoleOwner || items[0].Email != f.Owner.Email {
				t.Errorf("got first %+v, want the owner", items[0])
			}
		}},
		{name: "add by member", as: f.Member, method: "POST", path: "/api/members", body: map[string]any{"email": joiner.Email, "role": "member"}, want: 403, code: "forbidden"},
		{name: "admin adds owner", as: f.Admin, method: "POST", path: "/api/members", body: map[string]any{"email": joiner.Email, "role": "owner"}, want: 403, code: "forbidden"},
		{name: "add no such user", as: f.Admin, method: "POST", path: "/api/members", body: map[string]any{"email": "nobody@example.com", "role": "member"}, want: 404, code: "not_found"},
		{name: "add bad email", as: f.Admin, method: "POST", path: "/api/members", body: map[string]any{"email": "not an email", "role": "member"}, want: 422, code: "validation_failed", field: "email"},
		{name: "add bad role", as: f.Admin, method: "POST", path: "/api/members", body: map[string]any{"email": joiner.Email, "role": "king"}, want: 422, code: "validation_failed", field: "role"},
		{name: "add existing", as: f.Admin, method: "POST", path: "/api/members", body: map[string]any{"email": f.Member.Email, "role": "member"}, want: 409, code: "conflict"},
		{name: "add", as: f.Admin, method: "POST", path: "/api/members", body: map[string]any{"email": joiner.Email, "role": "admin"}, want: 201, check: member(tenantry.RoleAdmin)},
		{name: "joiner sees tenant", as: joiner.in("acme"), method: "GET", path: "/api/tenant", want: 200},
		{name: "quota", as: f.Owner, method: "POST", path: "/api/members", body: map[string]any{"email": stranger.Email, "role": "member"}, want: 403, code: "plan_limit"},
		{name: "update by member", as: f.Member, method: "PATCH", path: "/api/members/" + joiner.UserID, body: map[string]any{"role": "member"}, want: 403, code: "forbidden"},
		{name: "admin demotes owner", as: f.Admin, method: "PATCH", path: "/api/members/" + f.Owner.UserID, body: map[string]any{"role": "member"}, want: 403, code: "forbidden"},
		{name: "admin promotes to owner", as: f.Admin, method: "PATCH", path: "/api/members/" + f.Member.UserID, body: map[string]any{"role": "owner"}, want: 403, code: "forbidden"},
		{name: "update bad role", as: f.Owner, method: "PATCH", path: "/api/members/" + f.Member.UserID, body: map[string]any{"role": "king"}, want: 422, code: "validation_failed", field: "role"},
		{name: "update unknown", as: f.Owner, method: "PATCH", path: "/api/members/" + stranger.UserID, body: map[string]any{"role": "admin"}, want: 404, code: "not_found"},
		{name: "last owner stays", as: f.Owner, method: "PATCH", path: "/api/members/" + f.Owner.UserID, body: map[string]any{"role": "admin"}, want: 422, code: "validation_failed"},
		{name: "update", as: f.Admin, method: "PATCH", path: "/api/members/" + joiner.UserID, body: map[string]any{"role": "member"}, want: 200, check: member(tenantry.RoleMember)},
		{name: "demoted joiner cannot manage", as: joiner.in("acme"), method: "GET", path: "/api/audit", want: 403, code: "forbidden"},
		{name: "remove by member", as: f.Member, method: "DELETE", path: "/api/members/" + joiner.UserID, want: 403, code: "forbidden"},
		{name: "admin removes owner", as: f.Admin, method: "DELETE", path: "/api/members/" + f.Owner.UserID, want: 403, code: "forbidden"},
		{name: "last owner cannot leave", as: f.Owner, method: "DELETE", path: "/api/members/" + f.Owner.UserID, want: 422, code: "validation_failed"},
		{name: "member leaves", as: leaver, method: "DELETE", path: "/api/members/" + leaver.UserID, want: 204},
		{name: "leaver is out", as: leaver, method: "GET", path: "/api/projects", want: 403, code: "not_a_member"},
		{name: "remove", as: f.Admin, method: "DELETE", path: "/api/members/" + joiner.UserID, want: 204},
		{name: "removed is out", as: joiner.in("acme"), method: "GET", path: "/api/projects", want: 403, code: "not_a_member"},
		{name: "remove again", as: f.Admin, method: "DELETE", path: "/api/members/" + joiner.UserID, want: 404, code: "not_found"},
		{name: "remove malformed", as: f.Admin, method: "DELETE", path: "/api/members/xyz", want: 404, code: "not_found"},
	})
}
