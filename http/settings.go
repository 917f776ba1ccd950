package http

import (
	"net/http"

	"github.com/tenantry/tenantry"
)

// handleSettingsGet answers GET /api/settings: the tenant's settings
// object, without the platform-only keys unless the caller is an owner or
// admin.
func (s *Server) handleSettingsGet(w http.ResponseWriter, r *http.Request) error {
	t, err := s.scope(r).Tenant(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsOf(t).ForRole(tenantry.IdentityFromContext(r.Context()).Role))
}

// handleSettingsUpdate answers PATCH /api/settings (owner/admin): the body
// is a JSON Merge Patch (RFC 7386) of the settings; null removes a key.
// Only the tenant keys may be named (validation_failed naming any other:
// unknown keys, platform-only keys and limit names); a body nested deeper
// than the settings may be is refused before it is decoded.
func (s *Server) handleSettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := requireManager(r); err != nil {
		return err
	}
	var patch tenantry.Settings
	if err := decodeShallow(r, &patch, tenantry.MaxSettingsDepth); err != nil {
		return err
	}
	if patch == nil { // a JSON null body
		return tenantry.Errorf(tenantry.EBADREQUEST, "The body must be a JSON object.")
	}
	if err := patch.CheckPatch(tenantry.ByTenant, ""); err != nil {
		return err
	}
	ts := s.scope(r)
	t, err := ts.UpdateSettings(r.Context(), patch)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsOf(t))
}

// settingsOf returns t's settings, never nil.
func settingsOf(t *tenantry.Tenant) tenantry.Settings {
	if t.Settings == nil {
		return tenantry.Settings{}
	}
	return t.Settings
}
