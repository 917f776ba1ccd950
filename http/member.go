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

// decodeGrant reads a grantRequest, normalises and checks its e-mail, and
// checks that the caller (an owner or admin) may grant its role.
func decodeGrant(r *http.Request) (email string, role tenantry.Role, err error) {
	if err := requireManager(r); err != nil {
		return "", "", err
	}
	var req grantRequest
	if err := decode(r, &req); err != nil {
		return "", "", err
	}
	email = tenantry.NormalizeEmail(req.Email)
	if email == "" {
		return "", "", tenantry.Invalid(map[string]string{"email": "required"})
	} else if !tenantry.ValidEmail(email) {
		return "", "", tenantry.Invalid(map[string]string{"email": "must be an e-mail address"})
	}
	if err := checkRole(r, req.Role); err != nil {
		return "", "", err
	}
	return email, req.Role, nil
}

// memberUpdateRequest is the body of PATCH /api/members/{user_id}.
type memberUpdateRequest struct {
	Role tenantry.Role `json:"role"`
}

// checkRole validates a role given by a client (validation_failed) and that
// the caller may grant it (forbidden).
func checkRole(r *http.Request, role tenantry.Role) error {
	if role == "" {
		return tenantry.Invalid(map[string]string{"role": "required"})
	} else if !role.Valid() {
		return tenantry.Invalid(map[string]string{"role": "must be owner, admin or member"})
	}
	if !tenantry.IdentityFromContext(r.Context()).Role.CanGrant(role) {
		return tenantry.Errorf(tenantry.EFORBIDDEN, "Your role cannot grant the %s role.", role)
	}
	return nil
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
	email, role, err := decodeGrant(r)
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
// stays an owner.
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
	if req.Role == "" || !req.Role.Valid() {
		return checkRole(r, req.Role)
	}
	ts := s.scope(r)
	cur, err := ts.Member(r.Context(), userID)
	if err != nil {
		return err
	}
	if err := checkRole(r, cur.Role); err != nil {
		return err
	}
	if err := checkRole(r, req.Role); err != nil {
		return err
	}
	m, err := ts.UpdateMember(r.Context(), userID, req.Role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

// handleMemberRemove answers DELETE /api/members/{user_id} with 204. Owners
// and admins remove members whose role they could grant; any member may
// leave. The last owner cannot be removed.
func (s *Server) handleMemberRemove(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "user_id", "id")
	if err != nil {
		return err
	}
	ident := tenantry.IdentityFromContext(r.Context())
	self := ident.UserID != "" && ident.UserID == userID
	if !self {
		if err := requireManager(r); err != nil {
			return err
		}
	}
	ts := s.scope(r)
	cur, err := ts.Member(r.Context(), userID)
	if err != nil {
		return err
	}
	if !ident.Role.CanRemove(cur.Role, self) {
		return tenantry.Errorf(tenantry.EFORBIDDEN, "Your role cannot remove a member with the %s role.", cur.Role)
	}
	if err := ts.RemoveMember(r.Context(), userID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
