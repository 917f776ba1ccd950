package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestProjectQuotaConcurrent(t *testing.T) {
	db, _ := open(t)
	_, tn := fixture(t, db, "free-co", "free")
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.Tenant(tn.ID).CreateProject(ctx, tenantry.ProjectCreate{Name: "p" + tenantry.NewID()})
		}()
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
	u, err := db.Tenant(tn.ID).Usage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ok != 3 || u.Projects != 3 {
		t.Fatalf("projects: got %d created, %d stored, want 3", ok, u.Projects)
	}
}

func TestProjectCRUD(t *testing.T) {
	db, _ := open(t)
	_, a := fixture(t, db, "acme", "pro")
	_, b := fixture(t, db, "bolt", "pro")
	ctx := context.Background()
	ts := db.Tenant(a.ID)
	p, err := ts.CreateProject(ctx, tenantry.ProjectCreate{Name: "One"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.CreateProject(ctx, tenantry.ProjectCreate{Name: "One"})
	wantCode(t, err, tenantry.ECONFLICT)
	_, err = db.Tenant(b.ID).Project(ctx, p.ID)
	wantCode(t, err, tenantry.ENOTFOUND)
	_, err = db.Tenant(b.ID).UpdateProject(ctx, p.ID, tenantry.ProjectUpdate{})
	wantCode(t, err, tenantry.ENOTFOUND)
	wantCode(t, db.Tenant(b.ID).DeleteProject(ctx, p.ID), tenantry.ENOTFOUND)
	name := "Two"
	got, err := ts.UpdateProject(ctx, p.ID, tenantry.ProjectUpdate{Name: &name})
	if err != nil || got.Name != "Two" {
		t.Fatalf("UpdateProject: got %v, %v; want name Two", got, err)
	}
	for i := 0; i < 4; i++ {
		if _, err := ts.CreateProject(ctx, tenantry.ProjectCreate{Name: "x" + tenantry.NewID()}); err != nil {
			t.Fatal(err)
		}
	}
	var all []*tenantry.Project
	cursor := ""
	for {
		ps, next, err := ts.Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Limit: 2, Cursor: cursor}})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ps...)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(all) != 5 {
		t.Fatalf("paged projects: got %d, want 5", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID {
			t.Fatalf("projects not ordered by id")
		}
	}
	if err := ts.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	evs, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{Action: "project.delete"})
	if err != nil || len(evs) != 1 {
		t.Fatalf("audit project.delete: got %d, %v; want 1", len(evs), err)
	}
}
