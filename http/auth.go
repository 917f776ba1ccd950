package http

import (
	"net/http"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// handleSignup creates a user (and, with tenant_name and tenant_slug, a
// tenant on the free plan) and signs them in: 201 with a session.
func (s *Server) handleSignup(w http.ResponseWriter, r *http.Request) error {
	var in auth.SignupInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.limitSignIn(r.Context(), r, in.Email); err != nil {
		return err
	}
	sess, err := s.auth.Signup(r.Context(), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, sess)
}

// loginRequest is the body of POST /api/auth/login.
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// handleLogin signs a user in by e-mail and password.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	var in loginRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.limitSignIn(r.Context(), r, in.Email); err != nil {
		return err
	}
	sess, err := s.auth.Login(r.Context(), in.Email, in.Password)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sess)
}

// refreshRequest is the body of POST /api/auth/refresh and logout.
type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// decodeRefreshToken reads the {refresh_token} body of refresh and logout.
func decodeRefreshToken(r *http.Request) (string, error) {
	var in refreshRequest
	if err := decode(r, &in); err != nil {
		return "", err
	}
	if in.RefreshToken == "" {
		return "", tenantry.Invalid(map[string]string{"refresh_token": "required"})
	}
	return in.RefreshToken, nil
}

// handleRefresh exchanges a refresh token for a new session.
func (s *Server) handleRefresh(w http.ResponseWriter, r *http.Request) error {
	token, err := decodeRefreshToken(r)
	if err != nil {
		return err
	}
	sess, err := s.auth.Refresh(r.Context(), token)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sess)
}

// handleLogout revokes a refresh token and its family, whose access tokens
// stop in every process: 204.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	token, err := decodeRefreshToken(r)
	if err != nil {
		return err
	}
	if _, err := s.auth.Logout(r.Context(), token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// meResponse is the signed-in user with memberships and default tenant.
type meResponse struct {
	User          *tenantry.User             `json:"user"`
	Memberships   []*tenantry.UserMembership `json:"memberships"`
	DefaultTenant *tenantry.Tenant           `json:"default_tenant"`
}

// me returns the answer of GET /api/auth/me for userID.
func (s *Server) me(r *http.Request, userID string) (*meResponse, error) {
	u, err := s.store.User(r.Context(), userID)
	if err != nil {
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return nil, tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Missing or invalid credentials.")
		}
		return nil, err
	}
	ms, err := s.store.UserMemberships(r.Context(), userID)
	if err != nil {
		return nil, err
	}
	if ms == nil {
		ms = []*tenantry.UserMembership{}
	}
	for _, m := range ms {
		m.Tenant = m.Tenant.ForRole(m.Role)
	}
	out := &meResponse{User: u, Memberships: ms}
	for _, m := range ms {
		if m.Tenant != nil && m.Tenant.ID == u.DefaultTenantID {
			out.DefaultTenant = m.Tenant
		}
	}
	return out, nil
}

// handleMe answers the user, memberships and default tenant.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	out, err := s.me(r, tenantry.IdentityFromContext(r.Context()).UserID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// defaultTenantRequest is the body of PUT /api/auth/me/default-tenant.
type defaultTenantRequest struct {
	Tenant string `json:"tenant"`
}

// handleDefaultTenant switches the user's default tenant ({tenant}: slug
// or id; the user must be a member).
func (s *Server) handleDefaultTenant(w http.ResponseWriter, r *http.Request) error {
	var in defaultTenantRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Tenant == "" {
		return tenantry.Invalid(map[string]string{"tenant": "required"})
	}
	ctx := r.Context()
	userID := tenantry.IdentityFromContext(ctx).UserID
	t, err := s.resolver.Ref(ctx, in.Tenant)
	if err != nil {
		return err
	}
	if _, err := s.memberRole(ctx, t.ID, userID); err != nil {
		return err
	}
	if err := s.store.SetDefaultTenant(ctx, userID, t.ID); err != nil {
		return err
	}
	out, err := s.me(r, userID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
