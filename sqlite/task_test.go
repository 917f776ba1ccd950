package sqlite

import (
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestTasks(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	owner := mustUser(t, db, "owner@example.com")
	stranger := mustUser(t, db, "stranger@example.com")
	_, h := mustTenant(t, db, "acme", "pro", owner.ID)
	_, other := mustTenant(t, db, "other", "pro", stranger.ID)
	p, _ := h.CreateProject(ctx, tenantry.ProjectCreate{Name: "P"})
	op, _ := other.CreateProject(ctx, tenantry.ProjectCreate{Name: "OP"})
	creates := []struct {
		name  string
		tc    tenantry.TaskCreate
		want  string
		field string
	}{
		{"ok", tenantry.TaskCreate{ProjectID: p.ID, Title: " Write "}, "", ""},
		{"assigned", tenantry.TaskCreate{ProjectID: p.ID, Title: "Review", AssignedToID: &owner.ID}, "", ""},
		{"no title", tenantry.TaskCreate{ProjectID: p.ID}, tenantry.EINVALID, "title"},
		{"no project", tenantry.TaskCreate{Title: "X"}, tenantry.EINVALID, "project_id"},
		{"unknown project", tenantry.TaskCreate{ProjectID: tenantry.NewID(), Title: "X"}, tenantry.ENOTFOUND, ""},
		{"other tenant's project", tenantry.TaskCreate{ProjectID: op.ID, Title: "X"}, tenantry.ENOTFOUND, ""},
		{"assignee not a member", tenantry.TaskCreate{ProjectID: p.ID, Title: "X", AssignedToID: &stranger.ID}, tenantry.EINVALID, "assigned_to_id"},
	}
	var ids []string
	for _, tt := range creates {
		tk, err := h.CreateTask(ctx, tt.tc)
		wantCode(t, tt.name, err, tt.want)
		if e, ok := err.(*tenantry.Error); ok && tt.field != "" && e.Fields[tt.field] == "" {
			t.Errorf("%s: got fields %v, want %s", tt.name, e.Fields, tt.field)
		}
		if err == nil {
			ids = append(ids, tk.ID)
		}
	}
	got, err := h.Task(ctx, ids[1])
	if err != nil || got.Title != "Review" || got.AssignedToID == nil || *got.AssignedToID != owner.ID || got.ProjectID != p.ID {
		t.Errorf("Task: got %+v, %v", got, err)
	}
	_, err = other.Task(ctx, ids[0])
	wantCode(t, "Task of another tenant", err, tenantry.ENOTFOUND)
	updates := []struct {
		name string
		tu   tenantry.TaskUpdate
		want string
	}{
		{"complete", tenantry.TaskUpdate{Completed: ptr(true)}, ""},
		{"assign", tenantry.TaskUpdate{AssignedToID: &owner.ID}, ""},
		{"assign a stranger", tenantry.TaskUpdate{AssignedToID: &stranger.ID}, tenantry.EINVALID},
		{"empty title", tenantry.TaskUpdate{Title: ptr("")}, tenantry.EINVALID},
		{"unassign", tenantry.TaskUpdate{ClearAssignee: true, Title: ptr("Write more")}, ""},
	}
	for _, tt := range updates {
		_, err := h.UpdateTask(ctx, ids[0], tt.tu)
		wantCode(t, tt.name, err, tt.want)
	}
	got, _ = h.Task(ctx, ids[0])
	if !got.Completed || got.AssignedToID != nil || got.Title != "Write more" {
		t.Errorf("after updates: got %+v", got)
	}
	_, err = other.UpdateTask(ctx, ids[0], tenantry.TaskUpdate{Completed: ptr(false)})
	wantCode(t, "UpdateTask of another tenant", err, tenantry.ENOTFOUND)
	wantCode(t, "DeleteTask of another tenant", other.DeleteTask(ctx, ids[0]), tenantry.ENOTFOUND)
	wantCode(t, "DeleteTask", h.DeleteTask(ctx, ids[0]), "")
	wantCode(t, "DeleteTask again", h.DeleteTask(ctx, ids[0]), tenantry.ENOTFOUND)
	// Deleting the project deletes its tasks.
	wantCode(t, "DeleteProject", h.DeleteProject(ctx, p.ID), "")
	_, err = h.Task(ctx, ids[1])
	wantCode(t, "Task after its project is deleted", err, tenantry.ENOTFOUND)
}

func TestTaskFilters(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	owner := mustUser(t, db, "owner@example.com")
	_, h := mustTenant(t, db, "acme", "pro", owner.ID)
	p1, _ := h.CreateProject(ctx, tenantry.ProjectCreate{Name: "P1"})
	p2, _ := h.CreateProject(ctx, tenantry.ProjectCreate{Name: "P2"})
	for _, tc := range []tenantry.TaskCreate{
		{ProjectID: p1.ID, Title: "a", AssignedToID: &owner.ID},
		{ProjectID: p1.ID, Title: "b", Completed: true},
		{ProjectID: p2.ID, Title: "c", AssignedToID: &owner.ID, Completed: true},
		{ProjectID: p2.ID, Title: "d"},
	} {
		if _, err := h.CreateTask(ctx, tc); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		f    tenantry.TaskFilter
		want string
	}{
		{"all", tenantry.TaskFilter{}, "[a b c d]"},
		{"project", tenantry.TaskFilter{ProjectID: p2.ID}, "[c d]"},
		{"assignee", tenantry.TaskFilter{AssignedToID: owner.ID}, "[a c]"},
		{"completed", tenantry.TaskFilter{Completed: ptr(true)}, "[b c]"},
		{"open in p1", tenantry.TaskFilter{ProjectID: p1.ID, Completed: ptr(false)}, "[a]"},
		{"unknown project", tenantry.TaskFilter{ProjectID: tenantry.NewID()}, "[]"},
	}
	for _, tt := range tests {
		var got []string
		f := tt.f
		f.Limit = 1
		for range 10 {
			ts, next, err := h.Tasks(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range ts {
				got = append(got, tk.Title)
			}
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if s := fmt.Sprint(got); s != tt.want {
			t.Errorf("Tasks(%s): got %s, want %s", tt.name, s, tt.want)
		}
	}
}
