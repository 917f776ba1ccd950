package sqlite

import (
	"fmt"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestProjects(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	_, h := mustTenant(t, db, "acme", "free", "") // free: 3 projects
	_, other := mustTenant(t, db, "other", "free", "")
	creates := []struct {
		name string
		pc   tenantry.ProjectCreate
		want string
	}{
		{"first", tenantry.ProjectCreate{Name: " Apollo ", Description: "to the moon"}, ""},
		{"duplicate name", tenantry.ProjectCreate{Name: "Apollo"}, tenantry.ECONFLICT},
		{"no name", tenantry.ProjectCreate{Name: "  "}, tenantry.EINVALID},
		{"inactive", tenantry.ProjectCreate{Name: "Gemini", IsActive: ptr(false)}, ""},
		{"third", tenantry.ProjectCreate{Name: "Mercury"}, ""},
		{"over the plan", tenantry.ProjectCreate{Name: "Artemis"}, tenantry.EPLANLIMIT},
	}
	var ids []string
	for _, tt := range creates {
		p, err := h.CreateProject(ctx, tt.pc)
		wantCode(t, tt.name, err, tt.want)
		if err == nil {
			ids = append(ids, p.ID)
		}
	}
	_, err := h.CreateProject(ctx, tenantry.ProjectCreate{Name: "Artemis"})
	if e, ok := err.(*tenantry.Error); !ok || e.Message != "The free plan allows 3 projects." {
		t.Errorf("plan limit message: got %v", err)
	}
	// The same name in another tenant is fine.
	if _, err := other.CreateProject(ctx, tenantry.ProjectCreate{Name: "Apollo"}); err != nil {
		t.Errorf("CreateProject(same name, other tenant): got error %v, want none", err)
	}
	got, err := h.Project(ctx, ids[0])
	if err != nil || got.Name != "Apollo" || !got.IsActive || got.TenantID != h.ID() {
		t.Errorf("Project: got %+v, %v, want active Apollo", got, err)
	}
	lookups := []struct {
		name string
		h    tenantry.TenantStore
		id   string
	}{
		{"unknown id", h, tenantry.NewID()},
		{"not an id", h, "x"},
		{"other tenant's", other, ids[0]},
	}
	for _, tt := range lookups {
		_, err := tt.h.Project(ctx, tt.id)
		wantCode(t, "Project("+tt.name+")", err, tenantry.ENOTFOUND)
		_, err = tt.h.UpdateProject(ctx, tt.id, tenantry.ProjectUpdate{Name: ptr("Z")})
		wantCode(t, "UpdateProject("+tt.name+")", err, tenantry.ENOTFOUND)
		wantCode(t, "DeleteProject("+tt.name+")", tt.h.DeleteProject(ctx, tt.id), tenantry.ENOTFOUND)
	}
	updates := []struct {
		name string
		pu   tenantry.ProjectUpdate
		want string
	}{
		{"rename to a taken name", tenantry.ProjectUpdate{Name: ptr("Gemini")}, tenantry.ECONFLICT},
		{"empty name", tenantry.ProjectUpdate{Name: ptr(" ")}, tenantry.EINVALID},
		{"deactivate", tenantry.ProjectUpdate{IsActive: ptr(false), Description: ptr("done")}, ""},
		{"rename", tenantry.ProjectUpdate{Name: ptr("Apollo 11")}, ""},
	}
	for _, tt := range updates {
		_, err := h.UpdateProject(ctx, ids[0], tt.pu)
		wantCode(t, tt.name, err, tt.want)
	}
	got, _ = h.Project(ctx, ids[0])
	if got.Name != "Apollo 11" || got.IsActive || got.Description != "done" || !got.UpdatedAt.After(got.CreatedAt) {
		t.Errorf("after updates: got %+v", got)
	}
	wantCode(t, "DeleteProject", h.DeleteProject(ctx, ids[1]), "")
	wantCode(t, "DeleteProject again", h.DeleteProject(ctx, ids[1]), tenantry.ENOTFOUND)
	for _, action := range []string{"project.create", "project.update", "project.delete"} {
		evs, _, err := h.AuditEvents(ctx, tenantry.AuditFilter{Action: action})
		if err != nil || len(evs) == 0 || evs[0].TargetType != "project" {
			t.Errorf("audit %s: got %d events, %v, want some on projects", action, len(evs), err)
		}
	}
}

func TestProjectFilters(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	_, h := mustTenant(t, db, "acme", "pro", "")
	_, other := mustTenant(t, db, "other", "pro", "")
	for _, pc := range []tenantry.ProjectCreate{
		{Name: "Alpha", Description: "first ROCKET"},
		{Name: "Beta 100%", IsActive: ptr(false)},
		{Name: "gamma_ray", Description: "x"},
		{Name: "Delta", Description: "rocket science", IsActive: ptr(false)},
		{Name: "Epsilon", Description: "100 ways"},
	} {
		if _, err := h.CreateProject(ctx, pc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := other.CreateProject(ctx, tenantry.ProjectCreate{Name: "Alpha rocket"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    tenantry.ProjectFilter
		want []string
	}{
		{"all", tenantry.ProjectFilter{}, []string{"Alpha", "Beta 100%", "gamma_ray", "Delta", "Epsilon"}},
		{"active", tenantry.ProjectFilter{IsActive: ptr(true)}, []string{"Alpha", "gamma_ray", "Epsilon"}},
		{"inactive", tenantry.ProjectFilter{IsActive: ptr(false)}, []string{"Beta 100%", "Delta"}},
		{"q in description, any case", tenantry.ProjectFilter{Q: "Rocket"}, []string{"Alpha", "Delta"}},
		{"q and active", tenantry.ProjectFilter{Q: "rocket", IsActive: ptr(false)}, []string{"Delta"}},
		{"q percent is literal", tenantry.ProjectFilter{Q: "100%"}, []string{"Beta 100%"}},
		{"q underscore is literal", tenantry.ProjectFilter{Q: "a_r"}, []string{"gamma_ray"}},
		{"q matches nothing", tenantry.ProjectFilter{Q: "zzz"}, nil},
	}
	for _, tt := range tests {
		ps, next, err := h.Projects(ctx, tt.f)
		var got []string
		for _, p := range ps {
			got = append(got, p.Name)
		}
		if err != nil || next != "" || fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Projects(%s): got %q next %q err %v, want %q", tt.name, got, next, err, tt.want)
		}
	}
	_, _, err := h.Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Cursor: "!!"}})
	wantCode(t, "Projects(bad cursor)", err, tenantry.EBADREQUEST)
}

func TestProjectPagination(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	_, h := mustTenant(t, db, "acme", "pro", "")
	var want []string
	for i := range 7 {
		p, err := h.CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprintf("P%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, p.ID)
	}
	for _, limit := range []int{1, 3, 7, 50} {
		var got []string
		f := tenantry.ProjectFilter{Page: tenantry.Page{Limit: limit}}
		for range 20 {
			ps, next, err := h.Projects(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) > limit {
				t.Errorf("limit %d: got a page of %d", limit, len(ps))
			}
			for _, p := range ps {
				got = append(got, p.ID)
			}
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("limit %d: got %v, want %v (creation order)", limit, got, want)
		}
	}
}

func TestConcurrentProjectQuota(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	_, h := mustTenant(t, db, "acme", "free", "")
	var wg sync.WaitGroup
	errs := make([]error, 12)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = h.CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprintf("P%d", i)})
		})
	}
	wg.Wait()
	var ok, limited int
	for _, err := range errs {
		switch tenantry.ErrorCode(err) {
		case "":
			ok++
		case tenantry.EPLANLIMIT:
			limited++
		default:
			t.Errorf("concurrent CreateProject: got error %v", err)
		}
	}
	if ok != 3 || limited != 9 {
		t.Errorf("concurrent CreateProject: got %d created and %d limited, want 3 and 9", ok, limited)
	}
}
