package ui

import (
	"context"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

// tenantProjects returns the projects service of tenant id: the pages read and
// write projects and tasks through the same code as the API.
func (h *Handler) tenantProjects(id string) projects.Service {
	return h.prepared.For(h.cfg.Store.Tenant(id))
}

// usage returns the usage of tenant id, the extensions' counters included.
func (h *Handler) usage(ctx context.Context, id string) (tenantry.Usage, error) {
	return tenantry.UsageOf(ctx, h.cfg.Store.Tenant(id), h.cfg.Extensions)
}
