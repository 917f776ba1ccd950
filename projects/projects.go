// Package projects is Tenantry's own projects and tasks, built the way a
// builder builds a tenant-scoped table: an extension (tables, migrations per
// dialect, usage counters, a statement for a member's removal) and code
// that reads and writes its rows only through the tenant transaction
// (tenantry.Tx). The same code runs on SQLite and on PostgreSQL.
//
// A store must be opened with Extension() among its extensions; a Service
// then works on one tenant:
//
//	svc := projects.New(store.Tenant(tenantID), plans)
//	p, err := svc.CreateProject(ctx, tenantry.ProjectCreate{Name: "Website"})
package projects

import (
	"embed"
	"io/fs"
	"strconv"
	"strings"

	"github.com/tenantry/tenantry"
)

//go:embed migrations
var migrations embed.FS

// Name is the extension's name; its migrations' version table is
// goose_projects.
const Name = "projects"

// Usage counter names; tenantry.Usage shows them as its projects and tasks
// fields.
const (
	UsageProjects = "projects"
	UsageTasks    = "tasks"
)

// Extension declares the projects and tasks tables. Their plan limit,
// max_projects, is one of Tenantry's own (tenantry.LimitMaxProjects).
func Extension() tenantry.Extension {
	sqlite, _ := fs.Sub(migrations, "migrations/sqlite")     // a constant path of the embedded tree
	postgres, _ := fs.Sub(migrations, "migrations/postgres") // likewise
	return tenantry.Extension{
		Name:     Name,
		Tables:   []string{"projects", "tasks"},
		SQLite:   sqlite,
		Postgres: postgres,
		Usage: map[string]string{
			UsageProjects: `SELECT count(*) FROM projects WHERE tenant_id = $1`,
			UsageTasks:    `SELECT count(*) FROM tasks WHERE tenant_id = $1`,
		},
		MemberRemoved: []string{
			`UPDATE tasks SET assigned_to_id = NULL, updated_at = $3 WHERE tenant_id = $1 AND assigned_to_id = $2`,
		},
	}
}

// With returns exts after Extension (once): the extensions of every
// Tenantry server, Tenantry's own first.
func With(exts []tenantry.Extension) []tenantry.Extension {
	for _, e := range exts {
		if e.Name == Name {
			return exts
		}
	}
	return append([]tenantry.Extension{Extension()}, exts...)
}

// Service reads and writes the projects and tasks of one tenant.
type Service struct {
	ts    tenantry.TenantStore
	plans tenantry.Plans
	// limited lists the plans that set max_projects, as ",a,b,".
	limited string
}

// New returns the service of ts's tenant; plans decide max_projects.
func New(ts tenantry.TenantStore, plans tenantry.Plans) Service { return Prepare(plans).For(ts) }

// Prepared is what a Service derives from the plans, worked out once for
// a server that makes a Service per request.
type Prepared struct {
	plans   tenantry.Plans
	limited string
}

// Prepare works out a Service's view of plans.
func Prepare(plans tenantry.Plans) Prepared {
	var b strings.Builder
	b.WriteByte(',')
	for name, p := range plans {
		if n, ok := p.Limits[tenantry.LimitMaxProjects]; ok && n != tenantry.Unlimited {
			b.WriteString(name)
			b.WriteByte(',')
		}
	}
	return Prepared{plans: plans, limited: b.String()}
}

// For returns the service of ts's tenant.
func (p Prepared) For(ts tenantry.TenantStore) Service {
	return Service{ts: ts, plans: p.plans, limited: p.limited}
}

// start returns a page's size and the id it starts after: on the first
// page the nil UUID, before every id on both backends, so one query serves
// every page.
func start(p tenantry.Page) (int, string, error) {
	limit, after, err := p.Normalize()
	if after == "" {
		after = "00000000-0000-0000-0000-000000000000"
	}
	return limit, after, err
}

// placeholder returns "$n" for the n-th argument of args after appending v.
func placeholder(args *[]any, v any) string {
	*args = append(*args, v)
	return "$" + strconv.Itoa(len(*args))
}
