package http

import (
	"net/http"

	"github.com/tenantry/tenantry"
)

// apiKeyCreateRequest is the body of POST /api/api-keys.
type apiKeyCreateRequest struct {
	Name string        `json:"name"`
	Role tenantry.Role `json:"role"`
}

// apiKeyResponse is a new API key with its secret, shown once.
type apiKeyResponse struct {
	*tenantry.APIKey
	Key string `json:"key"`
}

// handleAPIKeyCreate answers POST /api/api-keys with 201 and the key
// (owner/admin; the key's role cannot exceed the caller's).
func (s *Server) handleAPIKeyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireManager(r); err != nil {
		return err
	}
	var req apiKeyCreateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := checkRole(r, req.Role); err != nil {
		return err
	}
	key, secret, err := s.auth.CreateAPIKey(r.Context(), s.scope(r), req.Name, req.Role)
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
	s.invalidate(r.Context(), tenantry.Invalidation{Kind: tenantry.InvAPIKey, TenantID: ts.ID(), Key: key.Hash})
	w.WriteHeader(http.StatusNoContent)
	return nil
}
