package http

import (
	"net/http"

	"github.com/tenantry/tenantry"
)

// tenantResponse is the answer of GET /api/tenant.
type tenantResponse struct {
	Tenant   *tenantry.Tenant `json:"tenant"`
	Role     tenantry.Role    `json:"role"`
	Limits   tenantry.Limits  `json:"limits"`
	Features []string         `json:"features"`
	Usage    tenantry.Usage   `json:"usage"`
}

// handleTenantGet answers GET /api/tenant: the current tenant, the caller's
// role, the effective limits (the platform's overrides, else the plan's)
// and features of its plan, and its usage. Only owners and admins see the
// platform-only settings.
func (s *Server) handleTenantGet(w http.ResponseWriter, r *http.Request) error {
	ts := s.scope(r)
	t, err := ts.Tenant(r.Context())
	if err != nil {
		return err
	}
	usage, err := tenantry.UsageOf(r.Context(), ts, s.cfg.Extensions)
	if err != nil {
		return err
	}
	role := tenantry.IdentityFromContext(r.Context()).Role
	features := s.plans.Features(t)
	if features == nil {
		features = []string{}
	}
	return writeJSON(w, http.StatusOK, tenantResponse{
		Tenant:   t.ForRole(role),
		Role:     role,
		Limits:   s.plans.Limits(t),
		Features: features,
		Usage:    usage,
	})
}
