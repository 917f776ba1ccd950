package projects_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/tenantrytest"
)

// tenant creates a tenant on plan owned by a new user, and returns the
// projects service of it and a context acting as the owner.
func tenant(t *testing.T, s tenantry.Store, slug, plan string) (projects.Service, context.Context, *tenantry.Tenant) {
	t.Helper()
	ctx := context.Background()
	u, tn, err := s.Signup(ctx, tenantry.UserCreate{Email: slug + "@example.com", Name: slug, PasswordHash: "x"},
		&tenantry.TenantCreate{Name: slug, Slug: slug, Plan: plan})
	if err != nil {
		t.Fatalf("Signup(%s): %v", slug, err)
	}
	ctx = tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: u.ID})
	return projects.New(s.Tenant(tn.ID), tenantry.DefaultPlans()), ctx, tn
}

// createUntilRefused creates up to max projects and returns how many were
// created and the error of the first refused one (nil if none was).
func createUntilRefused(ctx context.Context, svc projects.Service, max int) (int, error) {
	for i := range max {
		if _, err := svc.CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprint("p", i)}); err != nil {
			return i, err
		}
	}
	return max, nil
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := tenantry.ErrorCode(err); got != code {
		t.Errorf("%s: got code %q (%v), want %q", what, got, err, code)
	}
}

// TestCreateProjectQuota checks max_projects as the plans and the
// platform's overrides set it, on both backends.
func TestCreateProjectQuota(t *testing.T) {
	const unlimited = -1
	tests := []struct {
		name     string
		plan     string
		override any // nil: none
		want     int // projects allowed, or unlimited
	}{
		{"plan free", "free", nil, 3},
		{"plan enterprise", "enterprise", nil, unlimited},
		{"override 5", "free", 5, 5},
		{"override 0", "free", 0, 0},
		{"override -1", "free", -1, unlimited},
		{"override on enterprise", "enterprise", 2, 2},
		{"override 4.0", "free", json.Number("4.0"), 4},
	}
	for _, b := range tenantrytest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			for i, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					svc, ctx, tn := tenant(t, s, fmt.Sprintf("quota-%d", i), tt.plan)
					if tt.override != nil {
						if _, err := s.Platform().UpdateTenant(ctx, tn.ID, tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{tenantry.LimitMaxProjects: tt.override}}); err != nil {
							t.Fatalf("UpdateTenant(limits): %v", err)
						}
					}
					max := tt.want + 1
					if tt.want == unlimited {
						max = 5
					}
					n, err := createUntilRefused(ctx, svc, max)
					if tt.want == unlimited {
						if n != max || err != nil {
							t.Fatalf("creates: got %d, %v; want %d, nil", n, err, max)
						}
						return
					}
					if n != tt.want {
						t.Fatalf("creates before refusal: got %d (%v), want %d", n, err, tt.want)
					}
					wantCode(t, "the refused create", err, tenantry.EPLANLIMIT)
					if got, want := tenantry.ErrorMessage(err), fmt.Sprintf("The %s plan allows %d projects.", tt.plan, tt.want); got != want {
						t.Errorf("message: got %q, want %q", got, want)
					}
				})
			}
		})
	}
}

// TestCreateProjectOutcomes checks the answers of CreateProject, the quota
// before the name, and that only a created project leaves an audit event
// (with the project's name), on both backends.
func TestCreateProjectOutcomes(t *testing.T) {
	for _, b := range tenantrytest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			svc, ctx, tn := tenant(t, s, "outcomes", "free")
			p, err := svc.CreateProject(ctx, tenantry.ProjectCreate{Name: "One", Description: "d"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := svc.Project(ctx, p.ID)
			if err != nil || *got != *p || !got.IsActive || got.TenantID != tn.ID || got.CreatedAt.Location() != p.CreatedAt.Location() {
				t.Fatalf("Project: got %+v, %v; want %+v", got, err, p)
			}
			err = func() error { _, err := svc.CreateProject(ctx, tenantry.ProjectCreate{Name: "One"}); return err }()
			wantCode(t, "CreateProject(taken name)", err, tenantry.ECONFLICT)
			if got, want := tenantry.ErrorMessage(err), "A project with this name already exists."; got != want {
				t.Errorf("conflict message: got %q, want %q", got, want)
			}
			if n, err := createUntilRefused(ctx, svc, 2); n != 2 || err != nil {
				t.Fatalf("two more creates: got %d, %v", n, err)
			}
			// At the limit the quota answers first, even for a taken name.
			_, err = svc.CreateProject(ctx, tenantry.ProjectCreate{Name: "One"})
			wantCode(t, "CreateProject(over the limit, taken name)", err, tenantry.EPLANLIMIT)
			evs, _, err := s.Tenant(tn.ID).AuditEvents(ctx, tenantry.AuditFilter{Action: "project.create"})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 3 {
				t.Fatalf("project.create events: got %d, want 3", len(evs))
			}
			first := evs[len(evs)-1]
			var data map[string]string
			if err := json.Unmarshal(first.Data, &data); err != nil || first.TargetID != p.ID || first.TargetType != "project" || len(data) != 1 || data["name"] != "One" {
				t.Errorf("first event: got %s %s %s, want project %s with data {name: One}", first.TargetType, first.TargetID, first.Data, p.ID)
			}
			_, err = projects.New(s.Tenant(tenantry.NewID()), tenantry.DefaultPlans()).CreateProject(ctx, tenantry.ProjectCreate{Name: "Nowhere"})
			wantCode(t, "CreateProject(no such tenant)", err, tenantry.ETENANTNOTFOUND)
		})
	}
}

// TestCreateProjectQuotaConcurrent races 20 creates on the free plan: the
// tenant row's lock lets exactly 3 through, on both backends.
func TestCreateProjectQuotaConcurrent(t *testing.T) {
	for _, b := range tenantrytest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			svc, ctx, tn := tenant(t, s, "race", "free")
			var wg sync.WaitGroup
			errs := make([]error, 20)
			for i := range errs {
				wg.Go(func() { _, errs[i] = svc.CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprint("c", i)}) })
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if tenantry.ErrorCode(err) != tenantry.EPLANLIMIT {
					t.Errorf("create: got %v, want nil or plan_limit", err)
				}
			}
			u, err := tenantry.UsageOf(ctx, s.Tenant(tn.ID), []tenantry.Extension{projects.Extension()})
			if err != nil {
				t.Fatal(err)
			}
			if ok != 3 || u.Projects != 3 {
				t.Fatalf("projects: got %d created, %d stored, want 3", ok, u.Projects)
			}
		})
	}
}

// TestCreateProjectQuotaOverCountCap checks the quota of a tenant with more
// projects than the bounded count reads: a limit above the bound counts
// them all, a limit below it refuses at once.
func TestCreateProjectQuotaOverCountCap(t *testing.T) {
	bulk := map[string]string{
		"sqlite": `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $2)
			INSERT INTO projects (tenant_id, id, name, description, is_active, created_at, updated_at)
			SELECT $1, printf('00000000-0000-7000-8000-%012d', i), 'bulk ' || i, '', 1, $3, $3 FROM s`,
		"postgres": `INSERT INTO projects (tenant_id, id, name, description, is_active, created_at, updated_at)
			SELECT $1, ('00000000-0000-7000-8000-' || lpad(i::text, 12, '0'))::uuid, 'bulk ' || i, '', true, $3, $3
			FROM generate_series(1, $2::int) i`,
	}
	const rows = 10_001 // the count's bound
	for _, b := range tenantrytest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			svc, ctx, tn := tenant(t, s, "many", "pro")
			err := s.Tenant(tn.ID).Write(ctx, func(tx tenantry.Tx) error {
				n, err := tx.Exec(ctx, bulk[b.Name], tx.TenantID(), rows, tenantry.Now())
				if err == nil && n != rows {
					err = fmt.Errorf("inserted %d rows", n)
				}
				return err
			})
			if err != nil {
				t.Fatalf("bulk insert: %v", err)
			}
			limit := func(n int) {
				t.Helper()
				if _, err := s.Platform().UpdateTenant(ctx, tn.ID, tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{tenantry.LimitMaxProjects: n}}); err != nil {
					t.Fatal(err)
				}
			}
			limit(rows + 2)
			if n, err := createUntilRefused(ctx, svc, 3); n != 2 || tenantry.ErrorCode(err) != tenantry.EPLANLIMIT {
				t.Errorf("creates under a limit of %d: got %d, %v; want 2, then plan_limit", rows+2, n, err)
			}
			limit(rows - 1)
			_, err = svc.CreateProject(ctx, tenantry.ProjectCreate{Name: "one more"})
			wantCode(t, "CreateProject(over a limit below the bound)", err, tenantry.EPLANLIMIT)
		})
	}
}
