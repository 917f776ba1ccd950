package http

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestAdminTenantPlacement posts placements on both backends, neither a
// Citus cluster: a well-formed request for a tenant (by slug or id) is 409
// "This database is not a Citus cluster."; a malformed one is 422 naming
// the field, whatever the database; an unknown tenant is 404; a member who
// is not a platform admin is 403; nothing reaches the platform trail.
func TestAdminTenantPlacement(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			e := newTestEnv(t, b.open(t))
			adm := e.admin(t)
			ten := e.createTenant(t, map[string]any{"name": "Placed", "slug": "placed"})
			owner := e.signup(t, e.email("owner"))
			tests := []struct {
				name       string
				by         caller
				path       string
				body       any
				wantStatus int
				wantCode   string
				wantField  string
			}{
				{"isolate", adm, "/api/admin/tenants/placed/placement", map[string]any{"isolate": true}, http.StatusConflict, tenantry.ECONFLICT, ""},
				{"move by id", adm, "/api/admin/tenants/" + ten.ID + "/placement", map[string]any{"node": "worker-2:5432", "mode": "auto"}, http.StatusConflict, tenantry.ECONFLICT, ""},
				{"nothing asked", adm, "/api/admin/tenants/placed/placement", map[string]any{}, http.StatusUnprocessableEntity, tenantry.EINVALID, "isolate"},
				{"bad node", adm, "/api/admin/tenants/placed/placement", map[string]any{"node": "worker-2"}, http.StatusUnprocessableEntity, tenantry.EINVALID, "node"},
				{"bad mode", adm, "/api/admin/tenants/placed/placement", map[string]any{"isolate": true, "mode": "fast"}, http.StatusUnprocessableEntity, tenantry.EINVALID, "mode"},
				{"unknown field", adm, "/api/admin/tenants/placed/placement", map[string]any{"isolate": true, "shard": 1}, http.StatusUnprocessableEntity, tenantry.EINVALID, ""},
				{"unknown tenant", adm, "/api/admin/tenants/nope/placement", map[string]any{"isolate": true}, http.StatusNotFound, tenantry.ETENANTNOTFOUND, ""},
				{"not an admin", owner, "/api/admin/tenants/placed/placement", map[string]any{"isolate": true}, http.StatusForbidden, tenantry.EFORBIDDEN, ""},
			}
			for _, tt := range tests {
				r := e.do(t, tt.by, "POST", tt.path, tt.body)
				if r.Status != tt.wantStatus || r.errCode() != tt.wantCode {
					t.Errorf("%s: got %d %s, want %d %s", tt.name, r.Status, r.Body, tt.wantStatus, tt.wantCode)
					continue
				}
				if tt.wantField != "" && r.errFields()[tt.wantField] == "" {
					t.Errorf("%s: got fields %v, want %s named", tt.name, r.errFields(), tt.wantField)
				}
				if tt.wantCode == tenantry.ECONFLICT {
					var env errorEnvelope
					if err := json.Unmarshal(r.Body, &env); err != nil || env.Error.Message != "This database is not a Citus cluster." {
						t.Errorf("%s: got message %q, want \"This database is not a Citus cluster.\"", tt.name, env.Error.Message)
					}
				}
			}
			var trail listResponse[*tenantry.AuditEvent]
			e.must(t, adm, "GET", "/api/admin/audit?tenant_id="+ten.ID, nil, http.StatusOK, &trail)
			for _, ev := range trail.Items {
				if ev.Action == "tenant.isolate" || ev.Action == "tenant.move" {
					t.Errorf("platform trail: got %+v after refused placements", ev)
				}
			}
		})
	}
}
