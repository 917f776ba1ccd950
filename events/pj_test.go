package events_test

import (
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

// pj returns the projects service of h under the default plans.
func pj(h tenantry.TenantStore) projects.Service { return projects.New(h, tenantry.DefaultPlans()) }
