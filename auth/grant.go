package auth

import (
	"context"

	"github.com/tenantry/tenantry"
)

// Grant is what AddMemberByEmail did: an existing user became Member, or
// an unknown e-mail got Invitation, whose one-time Token is shown once.
type Grant struct {
	Member     *tenantry.Member     `json:"member,omitempty"`
	Invitation *tenantry.Invitation `json:"invitation,omitempty"`
	Token      string               `json:"token,omitempty"`
}

// AddMemberByEmail gives email the role in the tenant of ts: an existing
// user with that e-mail becomes a member at once; an unknown e-mail gets an
// invitation, e-mailed as CreateInvitation does. It is how the platform
// (admin API, console, CLI, registry) gives a tenant its owners; the
// caller checks who may grant the role. Errors: validation_failed for a
// bad e-mail or role, conflict when the user is already a member,
// plan_limit at the tenant's member limit. The store audits the change
// (member.add or invitation.create) with the actor in ctx.
func (s *Service) AddMemberByEmail(ctx context.Context, ts tenantry.TenantStore, email string, role tenantry.Role) (*Grant, error) {
	email = tenantry.NormalizeEmail(email)
	fields := map[string]string{}
	switch {
	case email == "":
		fields["email"] = "required"
	case !tenantry.ValidEmail(email):
		fields["email"] = "must be an e-mail address"
	}
	switch {
	case role == "":
		fields["role"] = "required"
	case !role.Valid():
		fields["role"] = "must be owner, admin or member"
	}
	if len(fields) > 0 {
		return nil, tenantry.Invalid(fields)
	}
	u, err := s.store.UserByEmail(ctx, email)
	switch {
	case err == nil:
		m, err := ts.AddMember(ctx, u.ID, role)
		if err != nil {
			return nil, err
		}
		return &Grant{Member: m}, nil
	case !tenantry.IsCode(err, tenantry.ENOTFOUND):
		return nil, err
	}
	inv, token, err := s.CreateInvitation(ctx, ts, email, role)
	if err != nil {
		return nil, err
	}
	return &Grant{Invitation: inv, Token: token}, nil
}
