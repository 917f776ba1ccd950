package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
)

// createUntilRefused creates up to max projects and returns how many were
// created and the error of the first refused one (nil if none was).
func createUntilRefused(t *testing.T, ts tenantry.TenantStore, max int) (int, error) {
	t.Helper()
	for i := range max {
		if _, err := ts.CreateProject(context.Background(), tenantry.ProjectCreate{Name: fmt.Sprint("p", i)}); err != nil {
			return i, err
		}
	}
	return max, nil
}

// TestCreateProjectLimitReading checks that the quota CreateProject decides
// in SQL is the one tenantry.Plans.Limit gives, for overrides SQL reads
// itself and for those it leaves to Go (not whole numbers in SQL's exact
// arithmetic, or out of range).
func TestCreateProjectLimitReading(t *testing.T) {
	plans := tenantry.DefaultPlans()
	plans["tiny"] = tenantry.Plan{Name: "tiny", Limits: tenantry.Limits{tenantry.LimitMaxProjects: 1}}
	plans["noquota"] = tenantry.Plan{Name: "noquota", Limits: tenantry.Limits{}}
	url := pgtest.URL(t)
	db, err := postgres.Open(context.Background(), url, plans)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const unlimited = -1
	tests := []struct {
		name     string
		plan     string
		override any // nil: none
		want     int // projects allowed, or unlimited
	}{
		{"plan free", "free", nil, 3},
		{"plan tiny", "tiny", nil, 1},
		{"plan without max_projects", "noquota", nil, unlimited},
		{"plan enterprise", "enterprise", nil, unlimited},
		{"override 5", "free", 5, 5},
		{"override 0", "free", 0, 0},
		{"override -1", "free", -1, unlimited},
		{"override on enterprise", "enterprise", 2, 2},
		{"override 4.0", "free", json.Number("4.0"), 4},
		{"override 2e0", "free", json.Number("2e0"), 2},
		{"override Go rounds to 2 (fallback)", "tiny", json.Number("2.0000000000000001"), 2},
		{"override Go rounds to 2^53 (fallback)", "free", json.Number("9007199254740993"), unlimited},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			_, tn := fixture(t, db, fmt.Sprintf("lim-%02d", i), tt.plan)
			ts := db.Tenant(tn.ID)
			if tt.override != nil {
				setLimitsOverride(t, db, url, tn.ID, tt.override)
			}
			tn, err := ts.Tenant(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := plans.Limit(tn, tenantry.LimitMaxProjects); got != int64(tt.want) && !(tt.want == unlimited && got > 100) {
				t.Fatalf("Plans.Limit: got %d, want %d (the test's own premise)", got, tt.want)
			}
			max := tt.want + 1
			if tt.want == unlimited {
				max = 5
			}
			n, err := createUntilRefused(t, ts, max)
			if tt.want == unlimited {
				if n != max || err != nil {
					t.Fatalf("creates: got %d, %v; want %d, nil", n, err, max)
				}
				return
			}
			if n != tt.want {
				t.Fatalf("creates before refusal: got %d (%v), want %d", n, err, tt.want)
			}
			wantCode(t, err, tenantry.EPLANLIMIT)
			if got, want := tenantry.ErrorMessage(err), fmt.Sprintf("The %s plan allows %d projects.", tt.plan, tt.want); got != want {
				t.Errorf("message: got %q, want %q", got, want)
			}
		})
	}
}

// TestCreateProjectUnknownPlan: a tenant whose plan the server no longer
// knows has no project quota (tenantry.Plans.Limit).
func TestCreateProjectUnknownPlan(t *testing.T) {
	ctx := context.Background()
	plans := tenantry.DefaultPlans()
	plans["retired"] = tenantry.Plan{Name: "retired", Limits: tenantry.Limits{tenantry.LimitMaxProjects: 1}}
	url := pgtest.URL(t)
	old, err := postgres.Open(ctx, url, plans)
	if err != nil {
		t.Fatal(err)
	}
	_, tn := fixture(t, old, "retired", "retired")
	old.Close()
	db, err := postgres.Open(ctx, url, tenantry.DefaultPlans(), postgres.Options{SkipMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if n, err := createUntilRefused(t, db.Tenant(tn.ID), 3); n != 3 || err != nil {
		t.Fatalf("creates on an unknown plan: got %d, %v; want 3, nil", n, err)
	}
}

// TestCreateProjectOutcomes checks the errors of CreateProject, the quota
// before the name, and that only a created project leaves an audit event.
func TestCreateProjectOutcomes(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	_, tn := fixture(t, db, "outcomes", "free")
	ts := db.Tenant(tn.ID)
	create := func(name string) error {
		_, err := ts.CreateProject(ctx, tenantry.ProjectCreate{Name: name})
		return err
	}
	p, err := ts.CreateProject(ctx, tenantry.ProjectCreate{Name: "One", Description: "d"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ts.Project(ctx, p.ID)
	if err != nil || got.Name != "One" || got.Description != "d" || !got.IsActive || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Fatalf("Project: got %+v, %v; want %+v", got, err, p)
	}
	err = create("One")
	wantCode(t, err, tenantry.ECONFLICT)
	if got, want := tenantry.ErrorMessage(err), "A project with this name already exists."; got != want {
		t.Errorf("conflict message: got %q, want %q", got, want)
	}
	for _, name := range []string{"Two", "Three"} {
		if err := create(name); err != nil {
			t.Fatal(err)
		}
	}
	// At the limit the quota answers first, even for a taken name.
	wantCode(t, create("One"), tenantry.EPLANLIMIT)
	wantCode(t, create("Four"), tenantry.EPLANLIMIT)
	evs, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{Action: "project.create"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 {
		t.Fatalf("project.create events: got %d, want 3", len(evs))
	}
	if evs[len(evs)-1].TargetID != p.ID || evs[len(evs)-1].TargetType != "project" {
		t.Errorf("first event: got target %s %s, want project %s", evs[len(evs)-1].TargetType, evs[len(evs)-1].TargetID, p.ID)
	}
	_, err = db.Tenant(tenantry.NewID()).CreateProject(ctx, tenantry.ProjectCreate{Name: "Nowhere"})
	wantCode(t, err, tenantry.ETENANTNOTFOUND)
}

// setLimitsOverride sets tenant id's max_projects override: an integer
// through the platform API, and a json.Number written as is into the
// limits column (as a hand-edited or migrated row may hold it), so SQL
// reads its exact text.
func setLimitsOverride(t *testing.T, db *postgres.DB, url, id string, v any) {
	t.Helper()
	ctx := context.Background()
	n, ok := v.(json.Number)
	if !ok {
		if _, err := db.Platform().UpdateTenant(ctx, id, tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{tenantry.LimitMaxProjects: v}}); err != nil {
			t.Fatalf("UpdateTenant(limits %v): %v", v, err)
		}
		return
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `UPDATE tenants SET limits = jsonb_build_object('max_projects', $2::text::jsonb) WHERE id = $1`, id, n.String()); err != nil {
		t.Fatalf("set limits %s: %v", n, err)
	}
}

// TestCreateProjectQuotaConcurrentFallback races 20 creates on an override
// that CreateProject leaves to Go (createProjectLocked).
func TestCreateProjectQuotaConcurrentFallback(t *testing.T) {
	db, url := open(t)
	ctx := context.Background()
	_, tn := fixture(t, db, "fallback-co", "free")
	ts := db.Tenant(tn.ID)
	setLimitsOverride(t, db, url, tn.ID, json.Number("4.0000000000000001"))
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = ts.CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprint("c", i)})
		})
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
	u, err := ts.Usage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ok != 4 || u.Projects != 4 {
		t.Fatalf("projects: got %d created, %d stored, want 4", ok, u.Projects)
	}
}
