package tenantrytest_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/tenantrytest"
)

// TestTenantryTables runs the builder's suite on Tenantry's own projects
// and tasks, on both backends.
func TestTenantryTables(t *testing.T) {
	specs := []tenantrytest.TableSpec{
		{Table: "projects", Unique: true, Insert: func(ctx context.Context, ts tenantry.TenantStore, unique string) (string, error) {
			p, err := pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: unique})
			if err != nil {
				return "", err
			}
			return p.ID, nil
		}},
		{Table: "tasks", Insert: func(ctx context.Context, ts tenantry.TenantStore, unique string) (string, error) {
			p, err := pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: "for " + unique + " " + tenantry.NewID()})
			if err != nil {
				return "", err
			}
			task, err := pj(ts).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: unique})
			if err != nil {
				return "", err
			}
			return task.ID, nil
		}},
	}
	for _, b := range tenantrytest.Backends() {
		for _, spec := range specs {
			t.Run(b.Name+"/"+spec.Table, func(t *testing.T) {
				tenantrytest.CheckTable(t, b.Open(t), spec)
			})
		}
	}
}
