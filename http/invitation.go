package http

import (
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
)

// invitationResponse is a new invitation with its one-time token.
type invitationResponse struct {
	*tenantry.Invitation
	Token string `json:"token"`
}

// acceptResponse is the answer to an accepted invitation.
type acceptResponse struct {
	Tenant *tenantry.Tenant `json:"tenant"`
	Role   tenantry.Role    `json:"role"`
}

// handleInvitationCreate answers POST /api/invitations with 201 and the
// token, shown once (owner/admin; the role is one the caller may grant).
func (s *Server) handleInvitationCreate(w http.ResponseWriter, r *http.Request) error {
	email, role, err := s.decodeGrant(r)
	if err != nil {
		return err
	}
	inv, token, err := s.auth.CreateInvitation(r.Context(), s.scope(r), email, role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, invitationResponse{Invitation: inv, Token: token})
}

// handleInvitationList answers GET /api/invitations: the pending
// invitations (owner/admin).
func (s *Server) handleInvitationList(w http.ResponseWriter, r *http.Request) error {
	if err := requireManager(r); err != nil {
		return err
	}
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	items, next, err := s.scope(r).Invitations(r.Context(), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// handleInvitationRevoke answers DELETE /api/invitations/{id} with 204
// (owner/admin; the invitation's role is one the caller may grant, so an
// admin cannot revoke an owner invitation).
func (s *Server) handleInvitationRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := requireManager(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "invitation_id")
	if err != nil {
		return err
	}
	if err := s.team(r).RevokeInvitation(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleInvitationAccept answers POST /api/invitations/{token}/accept for
// the signed-in invitee. The token names the tenant, so this is a user
// route, not a tenant route.
func (s *Server) handleInvitationAccept(w http.ResponseWriter, r *http.Request) error {
	ident := tenantry.IdentityFromContext(r.Context())
	if ident.UserID == "" {
		return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Sign in to accept an invitation.")
	}
	token := r.PathValue("token")
	if token == "" {
		token = r.PathValue("id")
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
	}
	// auth.AcceptInvitation refuses a suspended or archived tenant.
	m, err := s.auth.AcceptInvitation(r.Context(), token, ident.UserID)
	if err != nil {
		return err
	}
	t, err := s.store.TenantByID(r.Context(), m.TenantID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, acceptResponse{Tenant: t, Role: m.Role})
}
