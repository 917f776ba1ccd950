package sqlite

import (
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func TestInvitations(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	owner := mustUser(t, db, "owner@example.com")
	bob := mustUser(t, db, "bob@example.com")
	carol := mustUser(t, db, "carol@example.com")
	_, h := mustTenant(t, db, "acme", "pro", owner.ID)
	_, other := mustTenant(t, db, "other", "pro", "")
	creates := []struct {
		name string
		inv  tenantry.Invitation
		want string
	}{
		{"bob", tenantry.Invitation{Email: " Bob@Example.com", Role: tenantry.RoleAdmin, TokenHash: "t-bob", CreatedBy: owner.ID}, ""},
		{"expired", tenantry.Invitation{Email: "carol@example.com", Role: tenantry.RoleMember, TokenHash: "t-old",
			CreatedAt: time.Now().Add(-8 * 24 * time.Hour)}, ""},
		{"carol", tenantry.Invitation{Email: "carol@example.com", Role: tenantry.RoleMember, TokenHash: "t-carol"}, ""},
		{"owner again", tenantry.Invitation{Email: "owner@example.com", Role: tenantry.RoleMember, TokenHash: "t-owner"}, ""},
		{"bad e-mail", tenantry.Invitation{Email: "nope", Role: tenantry.RoleMember, TokenHash: "t-x"}, tenantry.EINVALID},
		{"bad role", tenantry.Invitation{Email: "x@example.com", Role: "god", TokenHash: "t-x"}, tenantry.EINVALID},
		{"duplicate token", tenantry.Invitation{Email: "x@example.com", Role: tenantry.RoleMember, TokenHash: "t-bob"}, tenantry.ECONFLICT},
	}
	var invs []*tenantry.Invitation
	for _, tt := range creates {
		inv := tt.inv
		err := h.CreateInvitation(ctx, &inv)
		wantCode(t, tt.name, err, tt.want)
		if err == nil {
			if inv.ID == "" || inv.TenantID != h.ID() || inv.ExpiresAt.Sub(inv.CreatedAt) != tenantry.InvitationTTL {
				t.Errorf("%s: got %+v, want id, tenant and a 7-day expiry", tt.name, inv)
			}
			invs = append(invs, &inv)
		}
	}
	pending, _, err := h.Invitations(ctx, tenantry.Page{})
	if err != nil || len(pending) != 3 || pending[0].Email != "bob@example.com" {
		t.Errorf("Invitations: got %d (%v), want 3 pending, bob first", len(pending), err)
	}
	accepts := []struct {
		name   string
		h      tenantry.TenantStore
		token  string
		userID string
		want   string
	}{
		{"unknown token", h, "t-nope", bob.ID, tenantry.ENOTFOUND},
		{"expired", h, "t-old", carol.ID, tenantry.ENOTFOUND},
		{"another tenant", other, "t-bob", bob.ID, tenantry.ENOTFOUND},
		{"wrong user", h, "t-bob", carol.ID, tenantry.EFORBIDDEN},
		{"already a member", h, "t-owner", owner.ID, tenantry.ECONFLICT},
		{"bob", h, "t-bob", bob.ID, ""},
		{"bob twice", h, "t-bob", bob.ID, tenantry.ENOTFOUND},
	}
	for _, tt := range accepts {
		m, err := tt.h.AcceptInvitation(ctx, tt.token, tt.userID)
		wantCode(t, "AcceptInvitation("+tt.name+")", err, tt.want)
		if err == nil && (m.UserID != tt.userID || m.Role != tenantry.RoleAdmin) {
			t.Errorf("AcceptInvitation(%s): got %+v, want admin %s", tt.name, m, tt.userID)
		}
	}
	wantCode(t, "RevokeInvitation(accepted)", h.RevokeInvitation(ctx, invs[0].ID), tenantry.ENOTFOUND)
	wantCode(t, "RevokeInvitation(other tenant)", other.RevokeInvitation(ctx, invs[2].ID), tenantry.ENOTFOUND)
	wantCode(t, "RevokeInvitation(carol)", h.RevokeInvitation(ctx, invs[2].ID), "")
	_, err = h.AcceptInvitation(ctx, "t-carol", carol.ID)
	wantCode(t, "AcceptInvitation(revoked)", err, tenantry.ENOTFOUND)
	for _, action := range []string{"invitation.create", "invitation.accept", "invitation.revoke"} {
		evs, _, _ := h.AuditEvents(ctx, tenantry.AuditFilter{Action: action})
		if len(evs) == 0 {
			t.Errorf("audit %s: got none", action)
		}
	}
}

func TestAcceptInvitationPlanLimit(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	owner := mustUser(t, db, "owner@example.com")
	tn, h := mustTenant(t, db, "acme", "free", owner.ID)
	// Invited while there was room; the platform then lowers the limit.
	bob := mustUser(t, db, "bob@example.com")
	inv := &tenantry.Invitation{Email: bob.Email, Role: tenantry.RoleMember, TokenHash: "t"}
	if err := h.CreateInvitation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Platform().UpdateTenant(ctx, tn.ID, tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{tenantry.LimitMaxMembers: 1}}); err != nil {
		t.Fatal(err)
	}
	late := &tenantry.Invitation{Email: "cy@example.com", Role: tenantry.RoleMember, TokenHash: "t2"}
	wantCode(t, "CreateInvitation at max_members", h.CreateInvitation(ctx, late), tenantry.EPLANLIMIT)
	_, err := h.AcceptInvitation(ctx, "t", bob.ID)
	wantCode(t, "AcceptInvitation over max_members", err, tenantry.EPLANLIMIT)
	_, err = h.AddMember(ctx, bob.ID, tenantry.RoleMember)
	wantCode(t, "AddMember over max_members", err, tenantry.EPLANLIMIT)
}
