package ui

import (
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

// projects returns the projects service of the request's tenant: the
// pages read and write projects and tasks through the same code as the
// API.
func (q *request) projects() projects.Service { return q.h.prepared.For(q.store) }

// usage returns the usage of the request's tenant, the extensions'
// counters included.
func (q *request) usage() (tenantry.Usage, error) {
	return tenantry.UsageOf(q.ctx(), q.store, q.h.cfg.Extensions)
}
