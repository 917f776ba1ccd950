package http

import (
	"net/http"

	"github.com/tenantry/tenantry"
)

// handleAdminTenantPlace answers POST /api/admin/tenants/{id}/placement
// {isolate, node, mode}: 200 with the tenant's placement once Citus has
// given its rows shards of their own, moved them to the worker node, or
// both (what is so already is skipped). Each change is audited in the
// platform trail (tenant.isolate, tenant.move). A store on a database that
// is not a Citus cluster answers 409 conflict.
func (s *Server) handleAdminTenantPlace(w http.ResponseWriter, r *http.Request) error {
	var in tenantry.TenantPlacement
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	t, err := s.adminTenantOf(r)
	if err != nil {
		return err
	}
	placer, ok := s.store.(tenantry.TenantPlacer)
	if !ok {
		return tenantry.NotCitus()
	}
	p, err := placer.PlaceTenant(r.Context(), t.ID, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}
