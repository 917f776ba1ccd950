package http

import (
	"net/http"

	"github.com/tenantry/tenantry"
)

// grantRequest is the body of POST /api/members and POST /api/invitations.
type grantRequest struct {
	Email string        `json:"email"`
	Role  tenantry.Role `json:"role"`
}

// decodeGrant reads a grantRequest and checks it (tenantry.Team.CheckInvite):
// an owner or admin granting a role they may grant to an e-mail address.
func (s *Server) decodeGrant(r *http.Request) (email string, role tenantry.Role, err error) {
	if err := requireManager(r); err != nil {
		return "", "", err
	}
	var req grantRequest
	if err := decode(r, &req); err != nil {
		return "", "", err
	}
	email, err = s.team(r).CheckInvite(req.Email, req.Role)
	return email, req.Role, err
}

// memberUpdateRequest is the body of PATCH /api/members/{user_id}.
type memberUpdateRequest struct {
	Role tenantry.Role `json:"role"`
}

// handleMemberList answers GET /api/members; any member may list.
func (s *Server) handleMemberList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	items, next, err := s.scope(r).Members(r.Context(), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// handleMemberAdd answers POST /api/members: an existing user joins with a
// role (owner/admin; not_found for no such user, conflict when already a
// member).
func (s *Server) handleMemberAdd(w http.ResponseWriter, r *http.Request) error {
	email, role, err := s.decodeGrant(r)
	if err != nil {
		return err
	}
	u, err := s.store.UserByEmail(r.Context(), email)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return tenantry.Errorf(tenantry.ENOTFOUND, "No user has this e-mail address.")
	} else if err != nil {
		return err
	}
	m, err := s.scope(r).AddMember(r.Context(), u.ID, role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, m)
}

// handleMemberUpdate answers PATCH /api/members/{user_id}: the caller must
// be able to grant both the member's current and new role; the last owner
// stays an owner (tenantry.Team.ChangeRole).
func (s *Server) handleMemberUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := requireManager(r); err != nil {
		return err
	}
	userID, err := pathID(r, "user_id", "id")
	if err != nil {
		return err
	}
	var req memberUpdateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	_, m, err := s.team(r).ChangeRole(r.Context(), userID, req.Role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

// handleMemberRemove answers DELETE /api/members/{user_id} with 204. Owners
// and admins remove members whose role they could grant; any member may
// leave. The last owner cannot be removed (tenantry.Team.Remove).
func (s *Server) handleMemberRemove(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "user_id", "id")
	if err != nil {
		return err
	}
	if _, err := s.team(r).Remove(r.Context(), userID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
