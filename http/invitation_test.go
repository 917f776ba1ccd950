package http

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestInvitations(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "pro")
	invitee := e.signup(t, e.email("invitee"))
	other := e.signup(t, e.email("other"))
	var inv struct {
		tenantry.Invitation
		Token string `json:"token"`
	}
	var revoked struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}

	e.must(t, f.Admin, "POST", "/api/invitations", map[string]any{"email": " " + invitee.Email, "role": "member"}, 201, &inv)
	if inv.Token == "" || inv.ID == "" || inv.Email != invitee.Email || inv.Role != tenantry.RoleMember || inv.TenantID != f.Tenant.ID {
		t.Fatalf("got %+v, want an invitation of %s with a token", inv, invitee.Email)
	}
	e.must(t, f.Owner, "POST", "/api/invitations", map[string]any{"email": other.Email, "role": "admin"}, 201, &revoked)

	e.run(t, []apiCase{
		{name: "create by member", as: f.Member, method: "POST", path: "/api/invitations", body: map[string]any{"email": invitee.Email, "role": "member"}, want: 403, code: "forbidden"},
		{name: "admin invites owner", as: f.Admin, method: "POST", path: "/api/invitations", body: map[string]any{"email": invitee.Email, "role": "owner"}, want: 403, code: "forbidden"},
		{name: "create bad email", as: f.Admin, method: "POST", path: "/api/invitations", body: map[string]any{"email": "nope", "role": "member"}, want: 422, code: "validation_failed", field: "email"},
		{name: "create bad role", as: f.Admin, method: "POST", path: "/api/invitations", body: map[string]any{"email": invitee.Email, "role": ""}, want: 422, code: "validation_failed", field: "role"},
		{name: "list by member", as: f.Member, method: "GET", path: "/api/invitations", want: 403, code: "forbidden"},
		{name: "list", as: f.Admin, method: "GET", path: "/api/invitations", want: 200, check: func(t *testing.T, r resp) {
			items, _ := listOf[map[string]any](t, r)
			if len(items) != 2 {
				t.Fatalf("got %d invitations, want 2", len(items))
			}
			for _, it := range items {
				if _, ok := it["token"]; ok {
					t.Errorf("got a token in the list: %v", it)
				}
			}
		}},
		{name: "revoke by member", as: f.Member, method: "DELETE", path: "/api/invitations/" + revoked.ID, want: 403, code: "forbidden"},
		{name: "revoke", as: f.Admin, method: "DELETE", path: "/api/invitations/" + revoked.ID, want: 204},
		{name: "revoke again", as: f.Admin, method: "DELETE", path: "/api/invitations/" + revoked.ID, want: 404, code: "not_found"},
		{name: "accept revoked", as: other, method: "POST", path: "/api/invitations/" + revoked.Token + "/accept", want: 404, code: "not_found"},
		{name: "accept unauthenticated", as: caller{}, method: "POST", path: "/api/invitations/" + inv.Token + "/accept", want: 401, code: "unauthenticated"},
		{name: "accept bogus", as: invitee, method: "POST", path: "/api/invitations/inv_bogus/accept", want: 404, code: "not_found"},
		{name: "accept by someone else", as: other, method: "POST", path: "/api/invitations/" + inv.Token + "/accept", want: 403, code: "forbidden"},
		{name: "accept", as: invitee, method: "POST", path: "/api/invitations/" + inv.Token + "/accept", want: 200, check: func(t *testing.T, r resp) {
			var got struct {
				Tenant *tenantry.Tenant `json:"tenant"`
				Role   tenantry.Role    `json:"role"`
			}
			r.decode(t, &got)
			if got.Tenant == nil || got.Tenant.ID != f.Tenant.ID || got.Role != tenantry.RoleMember {
				t.Errorf("got %s, want tenant acme and role member", r.Body)
			}
		}},
		{name: "accept twice", as: invitee, method: "POST", path: "/api/invitations/" + inv.Token + "/accept", want: 404, code: "not_found"},
		{name: "invitee is a member", as: invitee.in("acme"), method: "GET", path: "/api/projects", want: 200},
		{name: "list after accept", as: f.Admin, method: "GET", path: "/api/invitations", want: 200, check: func(t *testing.T, r resp) {
			if items, _ := listOf[map[string]any](t, r); len(items) != 0 {
				t.Errorf("got %d pending invitations, want 0", len(items))
			}
		}},
	})

	// A suspended tenant takes no new members.
	var late struct {
		Token string `json:"token"`
	}
	e.must(t, f.Owner, "POST", "/api/invitations", map[string]any{"email": other.Email, "role": "member"}, 201, &late)
	e.must(t, e.admin(t), "POST", "/api/admin/tenants/"+f.Tenant.ID+"/suspend", nil, 200, nil)
	r := e.do(t, other, "POST", "/api/invitations/"+late.Token+"/accept", nil)
	if r.Status != 403 || r.errCode() != "tenant_suspended" {
		t.Errorf("accept in a suspended tenant: got %d %s, want 403 tenant_suspended", r.Status, r.Body)
	}
}

func TestInvitationRevokeNeedsTheGrant(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "pro")
	invite := func(role tenantry.Role) string {
		var inv struct {
			ID string `json:"id"`
		}
		e.must(t, f.Owner, "POST", "/api/invitations", map[string]any{"email": e.email("inv"), "role": role}, 201, &inv)
		return inv.ID
	}
	ownerInv, adminInv := invite(tenantry.RoleOwner), invite(tenantry.RoleAdmin)
	e.run(t, []apiCase{
		{name: "admin revokes an owner invitation", as: f.Admin, method: "DELETE", path: "/api/invitations/" + ownerInv, want: 403, code: "forbidden"},
		{name: "owner invitation still pending", as: f.Owner, method: "GET", path: "/api/invitations", want: 200, check: func(t *testing.T, r resp) {
			items, _ := listOf[tenantry.Invitation](t, r)
			found := false
			for _, i := range items {
				found = found || i.ID == ownerInv
			}
			if !found {
				t.Errorf("owner invitation %s is gone after a refused revoke", ownerInv)
			}
		}},
		{name: "admin revokes an admin invitation", as: f.Admin, method: "DELETE", path: "/api/invitations/" + adminInv, want: 204},
		{name: "owner revokes an owner invitation", as: f.Owner, method: "DELETE", path: "/api/invitations/" + ownerInv, want: 204},
		{name: "unknown invitation", as: f.Admin, method: "DELETE", path: "/api/invitations/" + tenantry.NewID(), want: 404, code: "not_found"},
	})
}
