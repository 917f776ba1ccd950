package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
)

// newUser creates a user with email.
func newUser(t *testing.T, db *postgres.DB, email string) *tenantry.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), tenantry.UserCreate{Email: email, Name: "n", PasswordHash: "h"})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// TestInvitations runs the invitation tests on one database, each with
// tenants and users of its own.
func TestInvitations(t *testing.T) {
	db, _ := open(t)
	for _, tt := range []struct {
		name string
		fn   func(t *testing.T, db *postgres.DB)
	}{
		{"Create", testCreateInvitation},
		{"List", testListInvitations},
		{"Revoke", testRevokeInvitation},
		{"Accept", testAcceptInvitation},
		{"PlanLimit", testAcceptInvitationPlanLimit},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, db) })
	}
}

func testCreateInvitation(t *testing.T, db *postgres.DB) {
	_, a := fixture(t, db, "ci-a", "pro")
	ctx := context.Background()
	ts := db.Tenant(a.ID)
	tests := []struct {
		name string
		inv  tenantry.Invitation
		code string
	}{
		{"valid", tenantry.Invitation{Email: " Guest@Example.COM ", Role: tenantry.RoleAdmin, TokenHash: "t1"}, ""},
		{"bad e-mail", tenantry.Invitation{Email: "guest", Role: tenantry.RoleMember, TokenHash: "t2"}, tenantry.EINVALID},
		{"bad role", tenantry.Invitation{Email: "g@example.com", Role: "god", TokenHash: "t3"}, tenantry.EINVALID},
		{"no token", tenantry.Invitation{Email: "g@example.com", Role: tenantry.RoleMember}, tenantry.EINVALID},
		{"bad id", tenantry.Invitation{ID: "x", Email: "g@example.com", Role: tenantry.RoleMember, TokenHash: "t4"}, tenantry.EINVALID},
		{"other tenant", tenantry.Invitation{TenantID: tenantry.NewID(), Email: "g@example.com", Role: tenantry.RoleMember, TokenHash: "t5"}, tenantry.ENOTFOUND},
		{"same token", tenantry.Invitation{Email: "h@example.com", Role: tenantry.RoleMember, TokenHash: "t1"}, tenantry.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := tt.inv
			wantCode(t, ts.CreateInvitation(ctx, &inv), tt.code)
		})
	}
	is, _, err := ts.Invitations(ctx, tenantry.Page{})
	if err != nil || len(is) != 1 {
		t.Fatalf("Invitations: got %d, %v; want 1", len(is), err)
	}
	got := is[0]
	if got.Email != "guest@example.com" || got.Role != tenantry.RoleAdmin || got.TenantID != a.ID || got.TokenHash != "t1" {
		t.Errorf("invitation: got %+v, want guest@example.com as admin of %s", got, a.ID)
	}
	if d := got.ExpiresAt.Sub(got.CreatedAt); d != tenantry.InvitationTTL {
		t.Errorf("expires after: got %v, want %v", d, tenantry.InvitationTTL)
	}
	evs, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{Action: "invitation.create"})
	if err != nil || len(evs) != 1 || evs[0].TargetID != got.ID {
		t.Errorf("invitation.create events: got %d (%v), want 1 on %s", len(evs), err, got.ID)
	}
	// The same token hash is free in another tenant.
	_, b := fixture(t, db, "ci-b", "pro")
	if err := db.Tenant(b.ID).CreateInvitation(ctx, &tenantry.Invitation{Email: "g@example.com", Role: tenantry.RoleMember, TokenHash: "t1"}); err != nil {
		t.Errorf("same token hash in another tenant: got %v, want none", err)
	}
	wantCode(t, db.Tenant("nope").CreateInvitation(ctx, &tenantry.Invitation{Email: "g@example.com", Role: tenantry.RoleMember, TokenHash: "x"}),
		tenantry.ETENANTREQUIRED)
}

func testListInvitations(t *testing.T, db *postgres.DB) {
	_, a := fixture(t, db, "li-a", "pro")
	_, b := fixture(t, db, "li-b", "pro")
	ctx := context.Background()
	ts := db.Tenant(a.ID)
	var ids []string
	for _, h := range []string{"p1", "p2", "p3"} {
		inv := &tenantry.Invitation{Email: h + "@example.com", Role: tenantry.RoleMember, TokenHash: h}
		if err := ts.CreateInvitation(ctx, inv); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inv.ID)
	}
	expired := &tenantry.Invitation{Email: "old@example.com", Role: tenantry.RoleMember, TokenHash: "old",
		CreatedAt: tenantry.Now().Add(-8 * 24 * time.Hour)}
	if err := ts.CreateInvitation(ctx, expired); err != nil {
		t.Fatal(err)
	}
	if err := db.Tenant(b.ID).CreateInvitation(ctx, &tenantry.Invitation{Email: "b@example.com", Role: tenantry.RoleMember, TokenHash: "b"}); err != nil {
		t.Fatal(err)
	}
	// Pages of two: pending invitations of this tenant only, in creation order.
	var got []string
	page := tenantry.Page{Limit: 2}
	for range 5 {
		is, next, err := ts.Invitations(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range is {
			got = append(got, inv.ID)
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	if len(got) != len(ids) {
		t.Fatalf("Invitations: got %v, want %v", got, ids)
	}
	for i := range ids {
		if got[i] != ids[i] {
			t.Errorf("Invitations[%d]: got %s, want %s", i, got[i], ids[i])
		}
	}
	_, _, err := ts.Invitations(ctx, tenantry.Page{Cursor: "!!"})
	wantCode(t, err, tenantry.EBADREQUEST)
}

func testRevokeInvitation(t *testing.T, db *postgres.DB) {
	_, a := fixture(t, db, "rv-a", "pro")
	_, b := fixture(t, db, "rv-b", "pro")
	ctx := context.Background()
	ts := db.Tenant(a.ID)
	inv := &tenantry.Invitation{Email: "rv-g@example.com", Role: tenantry.RoleMember, TokenHash: "tok"}
	if err := ts.CreateInvitation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.Tenant(b.ID).RevokeInvitation(ctx, inv.ID), tenantry.ENOTFOUND)
	wantCode(t, ts.RevokeInvitation(ctx, "not-an-id"), tenantry.ENOTFOUND)
	wantCode(t, ts.RevokeInvitation(ctx, tenantry.NewID()), tenantry.ENOTFOUND)
	if err := ts.RevokeInvitation(ctx, inv.ID); err != nil {
		t.Fatalf("RevokeInvitation: got %v, want none", err)
	}
	wantCode(t, ts.RevokeInvitation(ctx, inv.ID), tenantry.ENOTFOUND)
	if is, _, err := ts.Invitations(ctx, tenantry.Page{}); err != nil || len(is) != 0 {
		t.Errorf("Invitations after revoke: got %d, %v; want 0", len(is), err)
	}
	u := newUser(t, db, "rv-g@example.com")
	_, err := ts.AcceptInvitation(ctx, "tok", u.ID)
	wantCode(t, err, tenantry.ENOTFOUND)
	evs, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{Action: "invitation.revoke"})
	if err != nil || len(evs) != 1 || evs[0].TargetID != inv.ID {
		t.Errorf("invitation.revoke events: got %d (%v), want 1 on %s", len(evs), err, inv.ID)
	}
	// An accepted invitation cannot be revoked.
	acc := &tenantry.Invitation{Email: u.Email, Role: tenantry.RoleMember, TokenHash: "acc"}
	if err := ts.CreateInvitation(ctx, acc); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.AcceptInvitation(ctx, "acc", u.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ts.RevokeInvitation(ctx, acc.ID), tenantry.ENOTFOUND)
}

func testAcceptInvitation(t *testing.T, db *postgres.DB) {
	_, a := fixture(t, db, "ac-a", "pro")
	_, b := fixture(t, db, "ac-b", "pro")
	ctx := context.Background()
	ts := db.Tenant(a.ID)
	guest := newUser(t, db, "ac-guest@example.com")
	other := newUser(t, db, "ac-other@example.com")
	inv := &tenantry.Invitation{Email: "AC-Guest@example.com", Role: tenantry.RoleAdmin, TokenHash: "tok"}
	if err := ts.CreateInvitation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	expired := &tenantry.Invitation{Email: guest.Email, Role: tenantry.RoleMember, TokenHash: "old",
		ExpiresAt: tenantry.Now().Add(-time.Minute)}
	if err := ts.CreateInvitation(ctx, expired); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		ts          tenantry.TenantStore
		token, user string
		code        string
	}{
		{"unknown token", ts, "nope", guest.ID, tenantry.ENOTFOUND},
		{"expired", ts, "old", guest.ID, tenantry.ENOTFOUND},
		{"other tenant", db.Tenant(b.ID), "tok", guest.ID, tenantry.ENOTFOUND},
		{"unknown user", ts, "tok", tenantry.NewID(), tenantry.ENOTFOUND},
		{"bad user id", ts, "tok", "x", tenantry.ENOTFOUND},
		{"wrong e-mail", ts, "tok", other.ID, tenantry.EFORBIDDEN},
		{"no tenant", db.Tenant(""), "tok", guest.ID, tenantry.ETENANTREQUIRED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.ts.AcceptInvitation(ctx, tt.token, tt.user)
			wantCode(t, err, tt.code)
		})
	}
	if _, err := ts.Member(ctx, other.ID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
		t.Errorf("member after a refused accept: got %v, want not_found", err)
	}

	m, err := ts.AcceptInvitation(ctx, "tok", guest.ID)
	if err != nil {
		t.Fatalf("AcceptInvitation: got %v, want none", err)
	}
	if m.UserID != guest.ID || m.Role != tenantry.RoleAdmin || m.TenantID != a.ID || m.Email != guest.Email {
		t.Errorf("member: got %+v, want %s as admin of %s", m, guest.ID, a.ID)
	}
	if got, err := ts.Member(ctx, guest.ID); err != nil || got.Role != tenantry.RoleAdmin {
		t.Errorf("Member after accept: got %+v, %v; want admin", got, err)
	}
	// Once only.
	_, err = ts.AcceptInvitation(ctx, "tok", guest.ID)
	wantCode(t, err, tenantry.ENOTFOUND)
	is, _, err := ts.Invitations(ctx, tenantry.Page{})
	if err != nil || len(is) != 0 {
		t.Errorf("Invitations after accept: got %d, %v; want 0", len(is), err)
	}
	evs, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{Action: "invitation.accept"})
	if err != nil || len(evs) != 1 || evs[0].TargetID != inv.ID {
		t.Errorf("invitation.accept events: got %d (%v), want 1 on %s", len(evs), err, inv.ID)
	}
	// Already a member.
	again := &tenantry.Invitation{Email: guest.Email, Role: tenantry.RoleMember, TokenHash: "again"}
	if err := ts.CreateInvitation(ctx, again); err != nil {
		t.Fatal(err)
	}
	_, err = ts.AcceptInvitation(ctx, "again", guest.ID)
	wantCode(t, err, tenantry.ECONFLICT)
}

func testAcceptInvitationPlanLimit(t *testing.T, db *postgres.DB) {
	_, a := fixture(t, db, "pl-a", "free") // max_members 5
	ctx := context.Background()
	ts := db.Tenant(a.ID)
	// Invited while there was room; the tenant then fills up.
	guest := newUser(t, db, "pl-guest@example.com")
	if err := ts.CreateInvitation(ctx, &tenantry.Invitation{Email: guest.Email, Role: tenantry.RoleMember, TokenHash: "tok"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"m1", "m2", "m3", "m4"} {
		if _, err := ts.AddMember(ctx, newUser(t, db, "pl-"+name+"@example.com").ID, tenantry.RoleMember); err != nil {
			t.Fatal(err)
		}
	}
	err := ts.CreateInvitation(ctx, &tenantry.Invitation{Email: "pl-late@example.com", Role: tenantry.RoleMember, TokenHash: "late"})
	wantCode(t, err, tenantry.EPLANLIMIT)
	_, err = ts.AcceptInvitation(ctx, "tok", guest.ID)
	wantCode(t, err, tenantry.EPLANLIMIT)
	// Refused, the invitation stays pending and works once there is room.
	if is, _, err := ts.Invitations(ctx, tenantry.Page{}); err != nil || len(is) != 1 {
		t.Fatalf("Invitations after plan_limit: got %d, %v; want 1", len(is), err)
	}
	m4, err := db.UserByEmail(ctx, "pl-m4@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.RemoveMember(ctx, m4.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.AcceptInvitation(ctx, "tok", guest.ID); err != nil {
		t.Errorf("AcceptInvitation with room: got %v, want none", err)
	}
	if u, err := ts.Usage(ctx); err != nil || u.Members != 5 {
		t.Errorf("members: got %d, %v; want 5", u.Members, err)
	}
}
