package postgres_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestTaskErrors(t *testing.T) {
	db, _ := open(t)
	ua, a := fixture(t, db, "acme", "pro")
	ub, b := fixture(t, db, "bolt", "pro")
	ctx := context.Background()
	pa, err := db.Tenant(a.ID).CreateProject(ctx, tenantry.ProjectCreate{Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Tenant(b.ID).CreateTask(ctx, tenantry.TaskCreate{ProjectID: pa.ID, Title: "x"})
	wantCode(t, err, tenantry.ENOTFOUND)
	_, err = db.Tenant(a.ID).CreateTask(ctx, tenantry.TaskCreate{ProjectID: pa.ID, Title: "x", AssignedToID: &ub.ID})
	wantCode(t, err, tenantry.EINVALID)
	task, err := db.Tenant(a.ID).CreateTask(ctx, tenantry.TaskCreate{ProjectID: pa.ID, Title: "x", AssignedToID: &ua.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Tenant(b.ID).Task(ctx, task.ID)
	wantCode(t, err, tenantry.ENOTFOUND)
	got, err := db.Tenant(a.ID).UpdateTask(ctx, task.ID, tenantry.TaskUpdate{ClearAssignee: true})
	if err != nil || got.AssignedToID != nil {
		t.Fatalf("clear assignee: got %v, %v", got, err)
	}
	if err := db.Tenant(a.ID).DeleteProject(ctx, pa.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.Tenant(a.ID).Task(ctx, task.ID)
	wantCode(t, err, tenantry.ENOTFOUND)
}
