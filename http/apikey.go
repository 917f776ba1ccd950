package http

import (
	"net/http"
	"time"

	"github.com/tenantry/tenantry"
)

// apiKeyCreateRequest is the body of POST /api/api-keys; ExpiresAt is an
// optional RFC 3339 time.
type apiKeyCreateRequest struct {
	Name      string        `json:"name"`
	Role      tenantry.Role `json:"role"`
	ExpiresAt *string       `json:"expires_at"`
}

// parseExpiresAt parses the optional expires_at of a new API key: nil for
// none, else an RFC 3339 time (validation_failed otherwise).
func parseExpiresAt(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return nil, tenantry.Invalid(map[string]string{"expires_at": "must be an RFC 3339 time"})
	}
	return &t, nil
}

// apiKeyResponse is a new API key with its secret, shown once.
type apiKeyResponse struct {
	*tenantry.APIKey
	Key string `json:"key"`
}

// handleAPIKeyCreate answers POST /api/api-keys with 201 and the key
// (owner/admin signed in as a user; the key's role cannot exceed the
// caller's; expires_at is optional).
func (s *Server) handleAPIKeyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireManager(r); err != nil {
		return err
	}
	var req apiKeyCreateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := s.team(r).CheckGrant(req.Role); err != nil {
		return err
	}
	expiresAt, err := parseExpiresAt(req.ExpiresAt)
	if err != nil {
		return err
	}
	key, secret, err := s.auth.CreateAPIKey(r.Context(), s.scope(r), req.Name, req.Role, expiresAt)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, apiKeyResponse{APIKey: key, Key: secret})
}

// handleAPIKeyList answers GET /api/api-keys (owner/admin); secrets are
// never listed.
func (s *Server) handleAPIKeyList(w http.ResponseWriter, r *http.Request) error {
	if err := requireManager(r); err != nil {
		return err
	}
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	items, next, err := s.scope(r).APIKeys(r.Context(), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// handleAPIKeyRevoke answers DELETE /api/api-keys/{id} with 204
// (owner/admin) and drops the key from every process's cache.
func (s *Server) handleAPIKeyRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := requireManager(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "key_id")
	if err != nil {
		return err
	}
	ts := s.scope(r)
	key, err := ts.APIKey(r.Context(), id)
	if err != nil {
		return err
	}
	if !tenantry.IdentityFromContext(r.Context()).Role.CanGrant(key.Role) {
		return tenantry.Errorf(tenantry.EFORBIDDEN, "Your role cannot revoke a key with the %s role.", key.Role)
	}
	if err := ts.RevokeAPIKey(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
