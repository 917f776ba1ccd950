package core_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// TestInvitationStore runs the invitation rules on a real SQLite store:
// validation, the member limit at creation and at acceptance, the invited
// address, and one acceptance per invitation.
func TestInvitationStore(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	user := func(email string) *tenantry.User { return newUser(t, db, email) }
	owner, ann, eve := user("owner@inv.test"), user("ann@inv.test"), user("eve@inv.test")
	tn, ts := newTenant(t, db, "inv", owner.ID)

	err := ts.CreateInvitation(ctx, &tenantry.Invitation{Email: "not an address", Role: "king", ID: "x"})
	var te *tenantry.Error
	if !tenantry.IsCode(err, tenantry.EINVALID) || !errors.As(err, &te) || len(te.Fields) != 4 {
		t.Errorf("CreateInvitation(bad): got %v, want validation_failed on email, role, token and id", err)
	}
	inv := &tenantry.Invitation{Email: " Ann@Inv.test ", Role: tenantry.RoleAdmin, TokenHash: "h1", CreatedBy: owner.ID}
	if err := ts.CreateInvitation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	if inv.Email != "ann@inv.test" || inv.TenantID != tn.ID || !inv.ExpiresAt.Equal(inv.CreatedAt.Add(tenantry.InvitationTTL)) {
		t.Errorf("CreateInvitation: got %+v, want the normalised address, the tenant and the default expiry", inv)
	}
	got, err := ts.Invitation(ctx, inv.ID)
	if err != nil || got.Email != inv.Email || got.Role != tenantry.RoleAdmin || !got.CreatedAt.Equal(inv.CreatedAt) {
		t.Errorf("Invitation: got %+v, %v; want %+v", got, err, inv)
	}

	if _, err := ts.AcceptInvitation(ctx, "h1", eve.ID); tenantry.ErrorMessage(err) != "This invitation is for another e-mail address." {
		t.Errorf("AcceptInvitation(another address): got %v, want forbidden", err)
	}
	m, err := ts.AcceptInvitation(ctx, "h1", ann.ID)
	if err != nil || m.Role != tenantry.RoleAdmin || m.Email != ann.Email {
		t.Fatalf("AcceptInvitation: got %+v, %v; want ann as admin", m, err)
	}
	if _, err := ts.AcceptInvitation(ctx, "h1", ann.ID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
		t.Errorf("AcceptInvitation(twice): got %v, want not_found", err)
	}
	list, _, err := ts.Invitations(ctx, tenantry.Page{})
	if err != nil || len(list) != 0 {
		t.Errorf("Invitations after acceptance: got %d, %v; want none pending", len(list), err)
	}

	expired := &tenantry.Invitation{Email: "eve@inv.test", Role: tenantry.RoleMember, TokenHash: "h2",
		CreatedAt: time.Now().Add(-2 * tenantry.InvitationTTL)}
	if err := ts.CreateInvitation(ctx, expired); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.AcceptInvitation(ctx, "h2", eve.ID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
		t.Errorf("AcceptInvitation(expired): got %v, want not_found", err)
	}
	if err := ts.RevokeInvitation(ctx, expired.ID); err != nil {
		t.Errorf("RevokeInvitation(expired, not accepted): %v", err)
	}
	if err := ts.RevokeInvitation(ctx, inv.ID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
		t.Errorf("RevokeInvitation(accepted): got %v, want not_found", err)
	}

	// The free plan's member limit, reached: no invitation can be made.
	limit := int(tenantry.DefaultPlans().Limit(tn, tenantry.LimitMaxMembers))
	for i := 2; i < limit; i++ {
		if _, err := ts.AddMember(ctx, user(string(rune('a'+i))+"@fill.test").ID, tenantry.RoleMember); err != nil {
			t.Fatal(err)
		}
	}
	err = ts.CreateInvitation(ctx, &tenantry.Invitation{Email: "late@inv.test", Role: tenantry.RoleMember, TokenHash: "h3"})
	if !tenantry.IsCode(err, tenantry.EPLANLIMIT) {
		t.Errorf("CreateInvitation(tenant full): got %v, want plan_limit", err)
	}
}
