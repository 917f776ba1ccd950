package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

// adminGrant is the answer of POST /api/admin/tenants/{id}/members.
type adminGrant struct {
	Member     *tenantry.Member     `json:"member"`
	Invitation *tenantry.Invitation `json:"invitation"`
	Token      string               `json:"token"`
}

// TestAdminTenantMembers gives a tenant created without members (as the
// registry seeds them) its owner through the admin API, on both backends:
// an existing user joins at once, an unknown e-mail gets an invitation
// that makes its invitee owner, a second add is 409, the member limit is
// 403 plan_limit, and the tenant's own trail shows member.add by the
// platform admin.
func TestAdminTenantMembers(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			e := newTestEnv(t, b.open(t))
			adm := e.admin(t)
			ten := e.createTenant(t, map[string]any{"name": "Seeded", "slug": "seeded"})
			var empty listResponse[*tenantry.Member]
			e.must(t, adm, "GET", "/api/admin/tenants/seeded/members", nil, http.StatusOK, &empty)
			if len(empty.Items) != 0 {
				t.Fatalf("members of a new tenant: %+v", empty.Items)
			}

			owner := e.signup(t, e.email("owner"))
			var g adminGrant
			e.must(t, adm, "POST", "/api/admin/tenants/seeded/members", map[string]any{"email": owner.Email, "role": "owner"}, http.StatusCreated, &g)
			if g.Member == nil || g.Member.UserID != owner.UserID || g.Member.Role != tenantry.RoleOwner || g.Member.TenantID != ten.ID || g.Token != "" || g.Invitation != nil {
				t.Fatalf("existing user: got %+v", g)
			}
			// The new owner uses the tenant at once.
			e.must(t, owner.in("seeded"), "GET", "/api/members", nil, http.StatusOK, nil)

			var inv adminGrant
			invitee := e.email("invitee")
			e.must(t, adm, "POST", "/api/admin/tenants/"+ten.ID+"/members", map[string]any{"email": strings.ToUpper(invitee), "role": "owner"}, http.StatusCreated, &inv)
			if inv.Member != nil || inv.Invitation == nil || inv.Invitation.Email != invitee || inv.Invitation.Role != tenantry.RoleOwner || !strings.HasPrefix(inv.Token, "inv_") {
				t.Fatalf("unknown e-mail: got %+v", inv)
			}
			newcomer := e.signup(t, invitee)
			e.must(t, newcomer, "POST", "/api/invitations/"+inv.Token+"/accept", nil, http.StatusOK, nil)

			var list listResponse[*tenantry.Member]
			e.must(t, adm, "GET", "/api/admin/tenants/seeded/members?limit=1", nil, http.StatusOK, &list)
			if len(list.Items) != 1 || list.Items[0].UserID != owner.UserID || list.NextCursor == nil {
				t.Fatalf("first page: %+v next %v", list.Items, list.NextCursor)
			}
			var rest listResponse[*tenantry.Member]
			e.must(t, adm, "GET", "/api/admin/tenants/seeded/members?limit=1&cursor="+*list.NextCursor, nil, http.StatusOK, &rest)
			if len(rest.Items) != 1 || rest.Items[0].UserID != newcomer.UserID || rest.Items[0].Role != tenantry.RoleOwner {
				t.Fatalf("second page: %+v", rest.Items)
			}

			// The tenant's own trail: member.add on the member, by the admin.
			var trail listResponse[*tenantry.AuditEvent]
			e.must(t, owner.in("seeded"), "GET", "/api/audit?action=member.add", nil, http.StatusOK, &trail)
			var found bool
			for _, ev := range trail.Items {
				if ev.TargetID == owner.UserID {
					found = true
					want := tenantry.AuditActor{Type: tenantry.ActorUser, ID: adm.UserID}
					if ev.Action != "member.add" || ev.TargetType != "member" || ev.Actor != want {
						t.Fatalf("audit event: got %+v, want member.add on member %s by %+v", ev, owner.UserID, want)
					}
				}
			}
			if !found {
				t.Fatalf("no member.add event for the owner in %+v", trail.Items)
			}
			// The platform trail shows the same event, with its tenant.
			var platform listResponse[*tenantry.AuditEvent]
			e.must(t, adm, "GET", "/api/admin/audit?tenant_id=seeded&action=member.add", nil, http.StatusOK, &platform)
			if len(platform.Items) != 1 {
				t.Fatalf("platform trail: got %d member.add events, want 1: %+v", len(platform.Items), platform.Items)
			}
			if ev := platform.Items[0]; ev.TenantID != ten.ID || ev.TargetID != owner.UserID || ev.Actor != (tenantry.AuditActor{Type: tenantry.ActorUser, ID: adm.UserID}) {
				t.Fatalf("platform trail: got %+v, want the owner's member.add in %s by the admin", ev, ten.ID)
			}

			e.must(t, adm, "PATCH", "/api/admin/tenants/seeded", map[string]any{"limits": map[string]any{"max_members": 3}}, http.StatusOK, nil)
			third := e.signup(t, e.email("third"))
			e.must(t, adm, "POST", "/api/admin/tenants/seeded/members", map[string]any{"email": third.Email, "role": "member"}, http.StatusCreated, nil)
			fourth := e.signup(t, e.email("fourth"))
			tests := []struct {
				name   string
				caller caller
				path   string
				body   any
				status int
				code   string
			}{
				{"already a member", adm, "/api/admin/tenants/seeded/members", map[string]any{"email": owner.Email, "role": "admin"}, 409, tenantry.ECONFLICT},
				{"member limit", adm, "/api/admin/tenants/seeded/members", map[string]any{"email": fourth.Email, "role": "member"}, 403, tenantry.EPLANLIMIT},
				{"member limit, invitation", adm, "/api/admin/tenants/seeded/members", map[string]any{"email": e.email("nobody"), "role": "member"}, 403, tenantry.EPLANLIMIT},
				{"bad role", adm, "/api/admin/tenants/seeded/members", map[string]any{"email": fourth.Email, "role": "king"}, 422, tenantry.EINVALID},
				{"bad e-mail", adm, "/api/admin/tenants/seeded/members", map[string]any{"email": "nope", "role": "member"}, 422, tenantry.EINVALID},
				{"unknown tenant", adm, "/api/admin/tenants/nope/members", map[string]any{"email": fourth.Email, "role": "member"}, 404, tenantry.ETENANTNOTFOUND},
				{"not an admin", owner, "/api/admin/tenants/seeded/members", map[string]any{"email": fourth.Email, "role": "member"}, 403, tenantry.EFORBIDDEN},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := e.do(t, tt.caller, "POST", tt.path, tt.body)
					if r.Status != tt.status || r.errCode() != tt.code {
						t.Fatalf("got %d %s, want %d %s", r.Status, r.Body, tt.status, tt.code)
					}
				})
			}
			if r := e.do(t, owner, "GET", "/api/admin/tenants/seeded/members", nil); r.Status != 403 || r.errCode() != tenantry.EFORBIDDEN {
				t.Fatalf("list as non-admin: got %d %s", r.Status, r.Body)
			}
		})
	}
}
