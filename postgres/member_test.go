package postgres_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestMembers(t *testing.T) {
	db, _ := open(t)
	owner, a := fixture(t, db, "acme", "pro")
	ctx := context.Background()
	u, err := db.CreateUser(ctx, tenantry.UserCreate{Email: "m@example.com", Name: "M", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	ts := db.Tenant(a.ID)
	if _, err := ts.AddMember(ctx, u.ID, tenantry.RoleMember); err != nil {
		t.Fatal(err)
	}
	_, err = ts.AddMember(ctx, u.ID, tenantry.RoleMember)
	wantCode(t, err, tenantry.ECONFLICT)
	_, err = ts.AddMember(ctx, tenantry.NewID(), tenantry.RoleMember)
	wantCode(t, err, tenantry.ENOTFOUND)
	_, err = ts.UpdateMember(ctx, owner.ID, tenantry.RoleAdmin)
	wantCode(t, err, tenantry.EINVALID)
	wantCode(t, ts.RemoveMember(ctx, owner.ID), tenantry.EINVALID)
	p, _ := pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: "p"})
	task, err := pj(ts).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "t", AssignedToID: &u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.RemoveMember(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := pj(ts).Task(ctx, task.ID)
	if got.AssignedToID != nil {
		t.Fatalf("task of removed member: got assignee %v, want nil", *got.AssignedToID)
	}
	ms, err := db.UserMemberships(ctx, owner.ID)
	if err != nil || len(ms) != 1 || ms[0].Tenant.ID != a.ID {
		t.Fatalf("UserMemberships: got %v, %v", ms, err)
	}
}

func TestMemberQuota(t *testing.T) {
	db, _ := open(t)
	_, a := fixture(t, db, "acme", "free")
	ctx := context.Background()
	var err error
	for i := 0; i < 5 && err == nil; i++ {
		var u *tenantry.User
		u, err = db.CreateUser(ctx, tenantry.UserCreate{Email: tenantry.NewID()[24:] + "@example.com", Name: "n", PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Tenant(a.ID).AddMember(ctx, u.ID, tenantry.RoleMember)
	}
	wantCode(t, err, tenantry.EPLANLIMIT)
}
