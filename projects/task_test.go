package projects_test

import (
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/tenantrytest"
)

// TestTaskRefs checks what a task refers to, on both backends: ids that are
// not UUIDs answer as unknown ones do, and an assignee must be a member.
func TestTaskRefs(t *testing.T) {
	ptr := func(s string) *string { return &s }
	for _, b := range tenantrytest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			svc, ctx, _ := tenant(t, s, "refs", "pro")
			p, err := svc.CreateProject(ctx, tenantry.ProjectCreate{Name: "P"})
			if err != nil {
				t.Fatal(err)
			}
			tests := []struct {
				name      string
				tc        tenantry.TaskCreate
				code, msg string
			}{
				{"unknown project", tenantry.TaskCreate{ProjectID: tenantry.NewID(), Title: "x"}, tenantry.ENOTFOUND, "Project not found."},
				{"project not a UUID", tenantry.TaskCreate{ProjectID: "p1", Title: "x"}, tenantry.ENOTFOUND, "Project not found."},
				{"assignee not a member", tenantry.TaskCreate{ProjectID: p.ID, Title: "x", AssignedToID: ptr(tenantry.NewID())}, tenantry.EINVALID, "Some fields are invalid."},
				{"assignee not a UUID", tenantry.TaskCreate{ProjectID: p.ID, Title: "x", AssignedToID: ptr("me")}, tenantry.EINVALID, "Some fields are invalid."},
			}
			for _, tt := range tests {
				_, err := svc.CreateTask(ctx, tt.tc)
				if got := tenantry.ErrorCode(err); got != tt.code || tenantry.ErrorMessage(err) != tt.msg {
					t.Errorf("CreateTask(%s): got %q %q, want %q %q", tt.name, got, tenantry.ErrorMessage(err), tt.code, tt.msg)
				}
			}
			got, next, err := svc.Tasks(ctx, tenantry.TaskFilter{ProjectID: "not-a-uuid"})
			if err != nil || len(got) != 0 || next != "" {
				t.Errorf("Tasks(project not a UUID): got %v, %q, %v; want none", got, next, err)
			}
		})
	}
}

// TestMemberRemovedUnassigns checks the extension's MemberRemoved
// statement: removing a member unassigns their tasks in the removal's
// transaction (the assignee key has no ON DELETE action), and touches
// updated_at, on both backends.
func TestMemberRemovedUnassigns(t *testing.T) {
	for _, b := range tenantrytest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			svc, ctx, tn := tenant(t, s, "leaving", "pro")
			u, err := s.CreateUser(ctx, tenantry.UserCreate{Email: "member@example.com", Name: "M", PasswordHash: "x"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Tenant(tn.ID).AddMember(ctx, u.ID, tenantry.RoleMember); err != nil {
				t.Fatal(err)
			}
			p, err := svc.CreateProject(ctx, tenantry.ProjectCreate{Name: "P"})
			if err != nil {
				t.Fatal(err)
			}
			task, err := svc.CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "mine", AssignedToID: &u.ID})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Tenant(tn.ID).RemoveMember(ctx, u.ID); err != nil {
				t.Fatalf("RemoveMember: %v", err)
			}
			got, err := svc.Task(ctx, task.ID)
			if err != nil || got.AssignedToID != nil || !got.UpdatedAt.After(task.UpdatedAt) {
				t.Errorf("task after its assignee left: got %+v, %v; want unassigned, updated", got, err)
			}
		})
	}
}
