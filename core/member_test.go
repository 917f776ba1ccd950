package core_test

import (
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

// TestMemberStore runs the member rules on a real SQLite store: the plan's
// member limit, the extensions' MemberRemoved statements (projects
// unassigns the leaving member's tasks) in the removal's transaction, and
// the exact errors of the rules.
func TestMemberStore(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	user := func(name string) *tenantry.User { return newUser(t, db, name+"@core.test") }
	owner := user("owner")
	tn, ts := newTenant(t, db, "core", owner.ID)
	limit := tenantry.DefaultPlans().Limit(tn, tenantry.LimitMaxMembers)
	var bob *tenantry.User
	for i := 1; i < int(limit); i++ {
		u := user(fmt.Sprintf("m%d", i))
		if _, err := ts.AddMember(ctx, u.ID, tenantry.RoleMember); err != nil {
			t.Fatalf("AddMember %d of %d: %v", i+1, limit, err)
		}
		bob = u
	}
	_, err := ts.AddMember(ctx, user("one-too-many").ID, tenantry.RoleMember)
	if got, want := tenantry.ErrorMessage(err), fmt.Sprintf("The free plan allows %d members.", limit); !tenantry.IsCode(err, tenantry.EPLANLIMIT) || got != want {
		t.Errorf("AddMember over the limit: got %v, want plan_limit %q", err, want)
	}

	pj := projects.New(ts, tenantry.DefaultPlans())
	p, err := pj.CreateProject(ctx, tenantry.ProjectCreate{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	task, err := pj.CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "T", AssignedToID: &bob.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.RemoveMember(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	got, err := pj.Task(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AssignedToID != nil {
		t.Errorf("task of a removed member: assigned to %s, want nobody", *got.AssignedToID)
	}

	tests := []struct {
		name string
		err  error
		code string
	}{
		{"AddMember(not an id)", func() error { _, err := ts.AddMember(ctx, "x", tenantry.RoleMember); return err }(), tenantry.ENOTFOUND},
		{"UpdateMember(bad role)", func() error { _, err := ts.UpdateMember(ctx, owner.ID, "king"); return err }(), tenantry.EINVALID},
		{"UpdateMember(last owner)", func() error { _, err := ts.UpdateMember(ctx, owner.ID, tenantry.RoleAdmin); return err }(), tenantry.EINVALID},
		{"RemoveMember(gone)", ts.RemoveMember(ctx, bob.ID), tenantry.ENOTFOUND},
	}
	for _, tt := range tests {
		if got := tenantry.ErrorCode(tt.err); got != tt.code {
			t.Errorf("%s: got %q (%v), want %q", tt.name, got, tt.err, tt.code)
		}
	}
}
