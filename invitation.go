package tenantry

import (
	"context"
	"time"
)

// InvitationTTL is how long an invitation can be accepted.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation invites an e-mail address into a tenant with a role. Its
// one-time token is shown once; only its hash is stored.
type Invitation struct {
	ID         string     `json:"id"`
	TenantID   string     `json:"tenant_id"`
	Email      string     `json:"email"`
	Role       Role       `json:"role"`
	TokenHash  string     `json:"-"`
	CreatedBy  string     `json:"created_by"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// InvitationStore manages the invitations of one tenant.
type InvitationStore interface {
	// CreateInvitation stores inv; ID, TenantID, CreatedAt and ExpiresAt are
	// filled in when empty (validation_failed for a bad e-mail or role).
	CreateInvitation(ctx context.Context, inv *Invitation) error
	// Invitations lists pending invitations.
	Invitations(ctx context.Context, p Page) ([]*Invitation, string, error)
	// Invitation returns a pending invitation by id (not_found).
	Invitation(ctx context.Context, id string) (*Invitation, error)
	// RevokeInvitation deletes a pending invitation (not_found).
	RevokeInvitation(ctx context.Context, id string) error
	// AcceptInvitation makes userID a member with the invitation's role and
	// marks it accepted, once (not_found for an unknown, used or expired
	// token; forbidden when the user's e-mail is not the invited one;
	// conflict when already a member; plan_limit over max_members).
	AcceptInvitation(ctx context.Context, tokenHash, userID string) (*Member, error)
}
