package ui

import (
	"net/http"
	"slices"

	"github.com/tenantry/tenantry"
)

// auditPage is the data of an audit trail page.
type auditPage struct {
	Events []auditRow
	Next   string
	Action string
	// Tenant is the console's tenant filter.
	Tenant string
}

// audit shows the tenant's audit trail, newest first (owners and admins).
func (h *Handler) audit(q *request) error {
	qs := q.r.URL.Query()
	f := tenantry.AuditFilter{Action: qs.Get("action"), Page: tenantry.Page{Cursor: qs.Get("cursor")}}
	evs, next, err := q.store.AuditEvents(q.ctx(), f)
	if err != nil {
		return err
	}
	h.renderView(q, http.StatusOK, "audit", &view{Title: "Audit trail", Nav: "audit", Page: &auditPage{Events: newAuditNamer(q.ctx(), h.cfg.Store, q.base).rows(evs), Next: next, Action: f.Action}})
	return nil
}

// sortStrings sorts s in place.
func sortStrings(s []string) { slices.Sort(s) }
