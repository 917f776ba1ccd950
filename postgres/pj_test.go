package postgres_test

import (
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/projects"
)

// pj returns the projects service of h under the default plans.
func pj(h tenantry.TenantStore) projects.Service { return projects.New(h, tenantry.DefaultPlans()) }

// withProjects returns the options of opts (at most one) with Tenantry's
// projects extension first among its extensions, as every server has it.
func withProjects(opts []postgres.Options) postgres.Options {
	var o postgres.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Extensions = projects.With(o.Extensions)
	return o
}
