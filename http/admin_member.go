package http

import (
	"net/http"
)

// handleAdminMemberList answers GET /api/admin/tenants/{id}/members: the
// tenant's members in join order, paged like other lists.
func (s *Server) handleAdminMemberList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	t, err := s.adminTenantOf(r)
	if err != nil {
		return err
	}
	items, next, err := s.store.Tenant(t.ID).Members(r.Context(), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// handleAdminMemberAdd answers POST /api/admin/tenants/{id}/members
// {email, role}: 201 with {member} when an existing user joins, or with
// {invitation, token} when the e-mail is unknown (the invitation is
// e-mailed as well). It is how a tenant without members, a seeded one,
// gets its first owner. The tenant's trail records member.add (or
// invitation.create) with the platform admin as actor.
func (s *Server) handleAdminMemberAdd(w http.ResponseWriter, r *http.Request) error {
	var req grantRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	t, err := s.adminTenantOf(r)
	if err != nil {
		return err
	}
	g, err := s.auth.AddMemberByEmail(r.Context(), s.store.Tenant(t.ID), req.Email, req.Role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, g)
}
