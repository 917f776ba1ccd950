package tenantry

import (
	"context"
	"time"
)

// Role is a member's role in a tenant.
type Role string

// Roles, from most to least powerful.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleAdmin || r == RoleMember }

// CanManage reports whether r may manage members, invitations, settings and
// API keys and read the audit trail.
func (r Role) CanManage() bool { return r == RoleOwner || r == RoleAdmin }

// CanGrant reports whether r may give or take away role target: owners may
// grant any role, admins only admin and member.
func (r Role) CanGrant(target Role) bool {
	if r == RoleOwner {
		return true
	}
	return r == RoleAdmin && target != RoleOwner
}

// CanRemove reports whether a member with role r may remove a member with
// role target from the tenant: any member may leave (self), owners and
// admins remove members whose role they could grant. The last-owner rule
// is checked by storage, against the tenant's current owners.
func (r Role) CanRemove(target Role, self bool) bool {
	return self || r.CanManage() && r.CanGrant(target)
}

// AtLeast reports whether r is min or a more powerful role (owner > admin >
// member); an unknown role is never at least anything.
func (r Role) AtLeast(min Role) bool {
	rank := func(x Role) int {
		switch x {
		case RoleOwner:
			return 3
		case RoleAdmin:
			return 2
		case RoleMember:
			return 1
		}
		return 0
	}
	return rank(r) > 0 && rank(r) >= rank(min)
}

// Member is a user's membership of a tenant.
type Member struct {
	TenantID  string    `json:"tenant_id"`
	UserID    string    `json:"user_id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// MemberStore manages the members of one tenant.
type MemberStore interface {
	// Member returns the membership of userID (not_found).
	Member(ctx context.Context, userID string) (*Member, error)
	// Members lists members in join order.
	Members(ctx context.Context, p Page) ([]*Member, string, error)
	// AddMember adds an existing user (not_found for no such user,
	// conflict when already a member, plan_limit over max_members,
	// validation_failed for a bad role).
	AddMember(ctx context.Context, userID string, role Role) (*Member, error)
	// UpdateMember changes a member's role (not_found; validation_failed
	// when it would leave the tenant without an owner).
	UpdateMember(ctx context.Context, userID string, role Role) (*Member, error)
	// RemoveMember removes a member (not_found; validation_failed for the
	// last owner).
	RemoveMember(ctx context.Context, userID string) error
}

// ErrLastOwner returns the error of a change that would leave a tenant
// without an owner: validation_failed on the role, with a message a page
// can show as it is.
func ErrLastOwner() error {
	return &Error{Code: EINVALID, Message: "A tenant must keep at least one owner.",
		Fields: map[string]string{"role": "must leave the tenant at least one owner"}}
}
