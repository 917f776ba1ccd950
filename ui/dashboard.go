package ui

import (
	"net/http"

	"github.com/tenantry/tenantry"
)

// usageRow is one quota line: what is used against the plan's limit.
type usageRow struct {
	Label       string
	Used, Limit int64
	Full        bool
}

// dashboardPage is the data of a tenant's dashboard.
type dashboardPage struct {
	Usage    tenantry.Usage
	Rows     []usageRow
	Projects []*tenantry.Project
	Features []string
}

// quota returns the usage rows of t.
func (h *Handler) quota(t *tenantry.Tenant, u tenantry.Usage) []usageRow {
	lp := h.cfg.Plans.Limit(t, tenantry.LimitMaxProjects)
	lm := h.cfg.Plans.Limit(t, tenantry.LimitMaxMembers)
	return []usageRow{
		{Label: "Projects", Used: u.Projects, Limit: lp, Full: !tenantry.Within(u.Projects, lp)},
		{Label: "Members", Used: u.Members, Limit: lm, Full: !tenantry.Within(u.Members, lm)},
	}
}

// dashboard shows the tenant's usage against its plan and recent projects.
func (h *Handler) dashboard(q *request) error {
	u, err := q.usage()
	if err != nil {
		return err
	}
	ps, _, err := q.projects().Projects(q.ctx(), tenantry.ProjectFilter{Page: tenantry.Page{Limit: 5}})
	if err != nil {
		return err
	}
	p := &dashboardPage{Usage: u, Rows: h.quota(q.tenant, u), Projects: ps, Features: h.cfg.Plans.Features(q.tenant)}
	h.renderView(q, http.StatusOK, "dashboard", &view{Title: q.tenant.Name, Nav: "dashboard", Page: p})
	return nil
}
