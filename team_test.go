package tenantry_test

import (
	"context"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// teamFixture is a tenant with an owner, an admin and two members, on a
// real SQLite store.
type teamFixture struct {
	ts                     tenantry.TenantStore
	owner, admin, cal, dee string
	ownerInv, memberInv    string
}

func newTeamFixture(t *testing.T) *teamFixture {
	t.Helper()
	ctx := context.Background()
	db := openStore(t)
	user := func(email string) string {
		u, err := db.CreateUser(ctx, tenantry.UserCreate{Email: email, Name: email, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	f := &teamFixture{owner: user("ann@team.test"), admin: user("bob@team.test"), cal: user("cal@team.test"), dee: user("dee@team.test")}
	tn, err := db.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Team", Slug: "team", Plan: "pro", OwnerID: f.owner})
	if err != nil {
		t.Fatal(err)
	}
	f.ts = db.Tenant(tn.ID)
	for id, role := range map[string]tenantry.Role{f.admin: tenantry.RoleAdmin, f.cal: tenantry.RoleMember, f.dee: tenantry.RoleMember} {
		if _, err := f.ts.AddMember(ctx, id, role); err != nil {
			t.Fatal(err)
		}
	}
	for _, inv := range []*tenantry.Invitation{
		{Email: "o@team.test", Role: tenantry.RoleOwner, TokenHash: "o", ExpiresAt: time.Now().Add(time.Hour)},
		{Email: "m@team.test", Role: tenantry.RoleMember, TokenHash: "m", ExpiresAt: time.Now().Add(time.Hour)},
	} {
		if err := f.ts.CreateInvitation(ctx, inv); err != nil {
			t.Fatal(err)
		}
		if inv.Role == tenantry.RoleOwner {
			f.ownerInv = inv.ID
		} else {
			f.memberInv = inv.ID
		}
	}
	return f
}

// TestTeamRules checks each role rule the API and the pages share, with
// its exact message, and that a refused change changed nothing.
func TestTeamRules(t *testing.T) {
	tests := []struct {
		name string
		do   func(f *teamFixture) error
		want string // "" for success
	}{
		{"member invites", func(f *teamFixture) error {
			_, err := f.team(f.cal, tenantry.RoleMember).CheckInvite("x@team.test", tenantry.RoleMember)
			return err
		}, "Only owners and admins may do this."},
		{"admin invites an owner", func(f *teamFixture) error {
			_, err := f.team(f.admin, tenantry.RoleAdmin).CheckInvite("x@team.test", tenantry.RoleOwner)
			return err
		}, "Your role cannot grant the owner role."},
		{"admin invites a bad address", func(f *teamFixture) error {
			_, err := f.team(f.admin, tenantry.RoleAdmin).CheckInvite("nope", tenantry.RoleMember)
			return err
		}, "Some fields are invalid."},
		{"admin invites a member", func(f *teamFixture) error {
			email, err := f.team(f.admin, tenantry.RoleAdmin).CheckInvite(" X@Team.test ", tenantry.RoleMember)
			if err == nil && email != "x@team.test" {
				return tenantry.Errorf(tenantry.EINTERNAL, "got address %q", email)
			}
			return err
		}, ""},
		{"member changes a role", func(f *teamFixture) error {
			_, _, err := f.team(f.cal, tenantry.RoleMember).ChangeRole(context.Background(), f.dee, tenantry.RoleAdmin)
			return err
		}, "Only owners and admins may do this."},
		{"admin demotes the owner", func(f *teamFixture) error {
			_, _, err := f.team(f.admin, tenantry.RoleAdmin).ChangeRole(context.Background(), f.owner, tenantry.RoleMember)
			return err
		}, "Your role cannot grant the owner role."},
		{"admin promotes to owner", func(f *teamFixture) error {
			_, _, err := f.team(f.admin, tenantry.RoleAdmin).ChangeRole(context.Background(), f.cal, tenantry.RoleOwner)
			return err
		}, "Your role cannot grant the owner role."},
		{"owner demotes the last owner", func(f *teamFixture) error {
			_, _, err := f.team(f.owner, tenantry.RoleOwner).ChangeRole(context.Background(), f.owner, tenantry.RoleAdmin)
			return err
		}, "A tenant must keep at least one owner."},
		{"admin promotes a member", func(f *teamFixture) error {
			_, _, err := f.team(f.admin, tenantry.RoleAdmin).ChangeRole(context.Background(), f.cal, tenantry.RoleAdmin)
			return err
		}, ""},
		{"member removes another", func(f *teamFixture) error {
			_, err := f.team(f.cal, tenantry.RoleMember).Remove(context.Background(), f.dee)
			return err
		}, "Only owners and admins may do this."},
		{"API key of member role removes", func(f *teamFixture) error {
			_, err := f.team("", tenantry.RoleMember).Remove(context.Background(), f.dee)
			return err
		}, "Only owners and admins may do this."},
		{"admin removes the owner", func(f *teamFixture) error {
			_, err := f.team(f.admin, tenantry.RoleAdmin).Remove(context.Background(), f.owner)
			return err
		}, "Your role cannot remove a member with the owner role."},
		{"the last owner leaves", func(f *teamFixture) error {
			_, err := f.team(f.owner, tenantry.RoleOwner).Remove(context.Background(), f.owner)
			return err
		}, "A tenant must keep at least one owner."},
		{"member leaves", func(f *teamFixture) error {
			_, err := f.team(f.cal, tenantry.RoleMember).Remove(context.Background(), f.cal)
			return err
		}, ""},
		{"admin revokes an owner invitation", func(f *teamFixture) error {
			return f.team(f.admin, tenantry.RoleAdmin).RevokeInvitation(context.Background(), f.ownerInv)
		}, "Your role cannot revoke an invitation with the owner role."},
		{"member revokes an invitation", func(f *teamFixture) error {
			return f.team(f.cal, tenantry.RoleMember).RevokeInvitation(context.Background(), f.memberInv)
		}, "Only owners and admins may do this."},
		{"admin revokes a member invitation", func(f *teamFixture) error {
			return f.team(f.admin, tenantry.RoleAdmin).RevokeInvitation(context.Background(), f.memberInv)
		}, ""},
		{"admin revokes no invitation", func(f *teamFixture) error {
			return f.team(f.admin, tenantry.RoleAdmin).RevokeInvitation(context.Background(), "not-an-id")
		}, "Invitation not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTeamFixture(t)
			before := f.state(t)
			err := tt.do(f)
			got := ""
			if err != nil {
				got = tenantry.ErrorMessage(err)
			}
			if got != tt.want {
				t.Errorf("got %q (%v), want %q", got, err, tt.want)
			}
			if after := f.state(t); tt.want != "" && after != before {
				t.Errorf("a refused change changed the team: got %s, want %s", after, before)
			}
		})
	}
}

// team is f's tenant as userID with role sees it.
func (f *teamFixture) team(userID string, role tenantry.Role) tenantry.Team {
	return tenantry.Team{Store: f.ts, UserID: userID, Role: role}
}

// state describes the members' roles and the pending invitations.
func (f *teamFixture) state(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	ms, _, err := f.ts.Members(ctx, tenantry.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	invs, _, err := f.ts.Invitations(ctx, tenantry.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, m := range ms {
		s += m.Email + "=" + string(m.Role) + " "
	}
	for _, inv := range invs {
		s += inv.Email + "(" + string(inv.Role) + ") "
	}
	return s
}
