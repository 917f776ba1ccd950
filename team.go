package tenantry

import "context"

// Team is a tenant's members and invitations as one caller may change
// them: the role rules of the JSON API and of the pages, written once.
// Store is the tenant's handle; UserID is the caller's user ("" for an API
// key) and Role the role they act with.
type Team struct {
	Store  TenantStore
	UserID string
	Role   Role
}

// errManagersOnly is the forbidden error of a change only owners and admins
// may make.
func errManagersOnly() error { return Errorf(EFORBIDDEN, "Only owners and admins may do this.") }

// CheckManager returns forbidden unless the caller is an owner or admin.
func (t Team) CheckManager() error {
	if !t.Role.CanManage() {
		return errManagersOnly()
	}
	return nil
}

// CheckGrant validates role, given by a client (validation_failed), and
// that the caller may grant it (forbidden).
func (t Team) CheckGrant(role Role) error {
	switch {
	case role == "":
		return Invalid(map[string]string{"role": "required"})
	case !role.Valid():
		return Invalid(map[string]string{"role": "must be owner, admin or member"})
	case !t.Role.CanGrant(role):
		return Errorf(EFORBIDDEN, "Your role cannot grant the %s role.", role)
	}
	return nil
}

// CheckInvite checks that the caller may invite or add email with role
// (an owner or admin granting a role they may grant) and returns the
// address normalized.
func (t Team) CheckInvite(email string, role Role) (string, error) {
	if err := t.CheckManager(); err != nil {
		return "", err
	}
	email = NormalizeEmail(email)
	if email == "" {
		return "", Invalid(map[string]string{"email": "required"})
	} else if !ValidEmail(email) {
		return "", Invalid(map[string]string{"email": "must be an e-mail address"})
	}
	return email, t.CheckGrant(role)
}

// ChangeRole gives member userID role: the caller, an owner or admin, must
// be able to grant both the member's current role and the new one; the
// last owner stays an owner (UpdateMember). It returns the member before
// and after.
func (t Team) ChangeRole(ctx context.Context, userID string, role Role) (before, after *Member, err error) {
	if err := t.CheckManager(); err != nil {
		return nil, nil, err
	}
	if role == "" || !role.Valid() {
		return nil, nil, t.CheckGrant(role)
	}
	cur, err := t.Store.Member(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	if err := t.CheckGrant(cur.Role); err != nil {
		return nil, nil, err
	}
	if err := t.CheckGrant(role); err != nil {
		return nil, nil, err
	}
	m, err := t.Store.UpdateMember(ctx, userID, role)
	return cur, m, err
}

// Remove removes member userID and returns them as they were: any member
// may leave; owners and admins remove members whose role they may grant;
// the last owner stays (RemoveMember).
func (t Team) Remove(ctx context.Context, userID string) (*Member, error) {
	self := t.UserID != "" && t.UserID == userID
	if !self {
		if err := t.CheckManager(); err != nil {
			return nil, err
		}
	}
	cur, err := t.Store.Member(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !t.Role.CanRemove(cur.Role, self) {
		return nil, Errorf(EFORBIDDEN, "Your role cannot remove a member with the %s role.", cur.Role)
	}
	return cur, t.Store.RemoveMember(ctx, userID)
}

// RevokeInvitation revokes pending invitation id: the caller, an owner or
// admin, must be able to grant its role, so an admin cannot revoke an
// owner's invitation.
func (t Team) RevokeInvitation(ctx context.Context, id string) error {
	if err := t.CheckManager(); err != nil {
		return err
	}
	inv, err := t.Store.Invitation(ctx, id)
	if err != nil {
		return err
	}
	if !t.Role.CanGrant(inv.Role) {
		return Errorf(EFORBIDDEN, "Your role cannot revoke an invitation with the %s role.", inv.Role)
	}
	return t.Store.RevokeInvitation(ctx, id)
}
