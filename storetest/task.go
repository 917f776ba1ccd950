package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/tenantry/tenantry"
)

// sameTask describes how got differs from want, or returns "".
func sameTask(got, want *tenantry.Task) string {
	if got.ID != want.ID || got.TenantID != want.TenantID || got.ProjectID != want.ProjectID || got.Title != want.Title ||
		got.Completed != want.Completed || deref(got.AssignedToID) != deref(want.AssignedToID) ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		return fmt.Sprintf("got %+v (assignee %q), want %+v (assignee %q)", *got, deref(got.AssignedToID), *want, deref(want.AssignedToID))
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func testTasks(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "owner@example.com")
	member := newUser(t, ctx, s, "member@example.com")
	stranger := newUser(t, ctx, s, "stranger@example.com")
	tn, h := newTenant(t, ctx, s, "tasks", "pro", owner.ID)
	_, other := newTenant(t, ctx, s, "tasks-other", "pro", stranger.ID)
	_, err := h.AddMember(ctx, member.ID, tenantry.RoleMember)
	fatalIf(t, "AddMember", err)
	ctx = tenantry.NewContextWithRequestID(tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: member.ID}), "req-task")
	p := newProject(t, ctx, h, "Board")
	op := newProject(t, ctx, other, "Board")
	otk := newTask(t, ctx, other, op.ID, "Theirs", &stranger.ID)

	tk, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "  Write docs ", AssignedToID: &member.ID})
	fatalIf(t, "CreateTask", err)
	if tk.ID == "" || tk.TenantID != tn.ID || tk.ProjectID != p.ID || tk.Title != "Write docs" || tk.Completed || deref(tk.AssignedToID) != member.ID || tk.CreatedAt.IsZero() {
		t.Errorf("CreateTask: got %+v, want Write docs in %s assigned to %s", tk, p.ID, member.ID)
	}
	ev := wantAudit(t, ctx, h, "task.create", tk.ID)
	if ev != nil && (ev.Actor.ID != member.ID || ev.RequestID != "req-task") {
		t.Errorf("task.create event: got actor %+v request %q, want %s req-task", ev.Actor, ev.RequestID, member.ID)
	}
	got, err := pj(h).Task(ctx, tk.ID)
	fatalIf(t, "Task", err)
	if d := sameTask(got, tk); d != "" {
		t.Errorf("Task: %s", d)
	}
	done, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "Done", Completed: true})
	fatalIf(t, "CreateTask(completed)", err)
	if !done.Completed || done.AssignedToID != nil {
		t.Errorf("CreateTask(completed): got %+v, want completed and unassigned", done)
	}

	bad := []struct {
		name  string
		fn    func() error
		want  string
		field string
	}{
		{"CreateTask(no project)", func() error { _, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{Title: "x"}); return err }, tenantry.EINVALID, "project_id"},
		{"CreateTask(no title)", func() error {
			_, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: " "})
			return err
		}, tenantry.EINVALID, "title"},
		{"CreateTask(unknown project)", func() error {
			_, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: tenantry.NewID(), Title: "x"})
			return err
		}, tenantry.ENOTFOUND, ""},
		{"CreateTask(project not-a-uuid)", func() error {
			_, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: "not-a-uuid", Title: "x"})
			return err
		}, tenantry.ENOTFOUND, ""},
		{"CreateTask(other tenant's project)", func() error {
			_, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: op.ID, Title: "x"})
			return err
		}, tenantry.ENOTFOUND, ""},
		{"CreateTask(other tenant's member)", func() error {
			_, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "x", AssignedToID: &stranger.ID})
			return err
		}, tenantry.EINVALID, "assigned_to_id"},
		{"CreateTask(unknown assignee)", func() error {
			_, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "x", AssignedToID: ptr(tenantry.NewID())})
			return err
		}, tenantry.EINVALID, "assigned_to_id"},
		{"CreateTask(assignee not-a-uuid)", func() error {
			_, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "x", AssignedToID: ptr("nobody")})
			return err
		}, tenantry.EINVALID, "assigned_to_id"},
		{"Task(unknown)", func() error { _, err := pj(h).Task(ctx, tenantry.NewID()); return err }, tenantry.ENOTFOUND, ""},
		{"Task(not-a-uuid)", func() error { _, err := pj(h).Task(ctx, "not-a-uuid"); return err }, tenantry.ENOTFOUND, ""},
		{"Task(other tenant's)", func() error { _, err := pj(h).Task(ctx, otk.ID); return err }, tenantry.ENOTFOUND, ""},
		{"UpdateTask(other tenant's)", func() error {
			_, err := pj(h).UpdateTask(ctx, otk.ID, tenantry.TaskUpdate{Title: ptr("stolen"), ClearAssignee: true})
			return err
		}, tenantry.ENOTFOUND, ""},
		{"UpdateTask(unknown)", func() error {
			_, err := pj(h).UpdateTask(ctx, tenantry.NewID(), tenantry.TaskUpdate{Title: ptr("x")})
			return err
		}, tenantry.ENOTFOUND, ""},
		{"UpdateTask(empty title)", func() error {
			_, err := pj(h).UpdateTask(ctx, tk.ID, tenantry.TaskUpdate{Title: ptr("")})
			return err
		}, tenantry.EINVALID, "title"},
		{"UpdateTask(other tenant's member)", func() error {
			_, err := pj(h).UpdateTask(ctx, tk.ID, tenantry.TaskUpdate{AssignedToID: &stranger.ID})
			return err
		}, tenantry.EINVALID, "assigned_to_id"},
		{"DeleteTask(other tenant's)", func() error { return pj(h).DeleteTask(ctx, otk.ID) }, tenantry.ENOTFOUND, ""},
		{"DeleteTask(unknown)", func() error { return pj(h).DeleteTask(ctx, tenantry.NewID()) }, tenantry.ENOTFOUND, ""},
	}
	for _, tt := range bad {
		err := tt.fn()
		if wantCode(t, tt.name, err, tt.want) && tt.field != "" {
			if e := errorsAs(err); e == nil || e.Fields[tt.field] == "" {
				t.Errorf("%s: got error %s, want a field %s", tt.name, jsonOf(e), tt.field)
			}
		}
	}
	if got, err := pj(other).Task(ctx, otk.ID); err != nil || sameTask(got, otk) != "" {
		t.Errorf("other tenant's task after refused calls: got %+v, %v; want it unchanged", got, err)
	}
	if got, err := pj(h).Task(ctx, tk.ID); err != nil || sameTask(got, tk) != "" {
		t.Errorf("Task after refused updates: got %+v, %v; want it unchanged", got, err)
	}

	steps := []struct {
		name     string
		tu       tenantry.TaskUpdate
		title    string
		done     bool
		assignee string
	}{
		{"complete", tenantry.TaskUpdate{Completed: ptr(true)}, "Write docs", true, member.ID},
		{"retitle and reassign", tenantry.TaskUpdate{Title: ptr(" Docs "), AssignedToID: &owner.ID}, "Docs", true, owner.ID},
		{"unassign", tenantry.TaskUpdate{ClearAssignee: true, Completed: ptr(false)}, "Docs", false, ""},
		{"nothing", tenantry.TaskUpdate{}, "Docs", false, ""},
	}
	for _, st := range steps {
		up, err := pj(h).UpdateTask(ctx, tk.ID, st.tu)
		fatalIf(t, "UpdateTask("+st.name+")", err)
		if up.Title != st.title || up.Completed != st.done || deref(up.AssignedToID) != st.assignee || up.ProjectID != p.ID || up.TenantID != tn.ID {
			t.Errorf("UpdateTask(%s): got %+v (assignee %q), want title %q completed %v assignee %q", st.name, up, deref(up.AssignedToID), st.title, st.done, st.assignee)
		}
		reread, err := pj(h).Task(ctx, tk.ID)
		fatalIf(t, "Task", err)
		if d := sameTask(reread, up); d != "" {
			t.Errorf("Task after UpdateTask(%s): %s", st.name, d)
		}
	}
	wantAudit(t, ctx, h, "task.update", tk.ID)
	fatalIf(t, "DeleteTask", pj(h).DeleteTask(ctx, tk.ID))
	wantAudit(t, ctx, h, "task.delete", tk.ID)
	_, err = pj(h).Task(ctx, tk.ID)
	wantCode(t, "Task after DeleteTask", err, tenantry.ENOTFOUND)
	wantCode(t, "DeleteTask twice", pj(h).DeleteTask(ctx, tk.ID), tenantry.ENOTFOUND)

	// Removing a member leaves no task assigned to a non-member: either the
	// tasks are unassigned or the removal is refused.
	tk2 := newTask(t, ctx, h, p.ID, "Assigned", &member.ID)
	if err := h.RemoveMember(ctx, member.ID); err == nil {
		got, err := pj(h).Task(ctx, tk2.ID)
		fatalIf(t, "Task after RemoveMember", err)
		if got.AssignedToID != nil {
			t.Errorf("Task after its assignee left: got assignee %q, want none", *got.AssignedToID)
		}
	}
}

func testTaskFilters(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	a := newUser(t, ctx, s, "a@example.com")
	b := newUser(t, ctx, s, "b@example.com")
	_, h := newTenant(t, ctx, s, "tf", "pro", a.ID)
	_, other := newTenant(t, ctx, s, "tf-other", "pro", a.ID)
	_, err := h.AddMember(ctx, b.ID, tenantry.RoleMember)
	fatalIf(t, "AddMember", err)
	_, err = other.AddMember(ctx, b.ID, tenantry.RoleMember)
	fatalIf(t, "AddMember", err)
	p1 := newProject(t, ctx, h, "One")
	p2 := newProject(t, ctx, h, "Two")
	op := newProject(t, ctx, other, "One")
	mk := func(h tenantry.TenantStore, pid, title string, done bool, who *string) string {
		tk, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: pid, Title: title, Completed: done, AssignedToID: who})
		fatalIf(t, "CreateTask", err)
		return tk.ID
	}
	t1 := mk(h, p1.ID, "t1", false, &a.ID)
	t2 := mk(h, p1.ID, "t2", true, &b.ID)
	t3 := mk(h, p2.ID, "t3", false, &b.ID)
	t4 := mk(h, p2.ID, "t4", true, nil)
	t5 := mk(h, p1.ID, "t5", false, nil)
	mk(other, op.ID, "t1", false, &a.ID)
	mk(other, op.ID, "t2", true, &b.ID)
	tests := []struct {
		name string
		f    tenantry.TaskFilter
		want []string
	}{
		{"none", tenantry.TaskFilter{}, []string{t1, t2, t3, t4, t5}},
		{"project 1", tenantry.TaskFilter{ProjectID: p1.ID}, []string{t1, t2, t5}},
		{"project 2", tenantry.TaskFilter{ProjectID: p2.ID}, []string{t3, t4}},
		{"other tenant's project", tenantry.TaskFilter{ProjectID: op.ID}, nil},
		{"completed", tenantry.TaskFilter{Completed: ptr(true)}, []string{t2, t4}},
		{"not completed", tenantry.TaskFilter{Completed: ptr(false)}, []string{t1, t3, t5}},
		{"assigned to b", tenantry.TaskFilter{AssignedToID: b.ID}, []string{t2, t3}},
		{"assigned to a, project 1", tenantry.TaskFilter{AssignedToID: a.ID, ProjectID: p1.ID}, []string{t1}},
		{"b, completed, project 2", tenantry.TaskFilter{AssignedToID: b.ID, Completed: ptr(true), ProjectID: p2.ID}, nil},
	}
	for _, tt := range tests {
		for _, limit := range []int{0, 2} {
			f := tt.f
			f.Limit = limit
			var got []string
			for range 10 {
				ts, next, err := pj(h).Tasks(ctx, f)
				if err != nil && tt.f.ProjectID == op.ID && tenantry.IsCode(err, tenantry.ENOTFOUND) {
					break
				}
				fatalIf(t, "Tasks("+tt.name+")", err)
				for _, tk := range ts {
					if tk.TenantID != h.ID() {
						t.Errorf("Tasks(%s): got a task of tenant %s", tt.name, tk.TenantID)
					}
					got = append(got, tk.ID)
				}
				if next == "" {
					break
				}
				f.Cursor = next
			}
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if jsonOf(got) != jsonOf(want) {
				t.Errorf("Tasks(%s, limit %d): got %v, want %v", tt.name, limit, got, want)
			}
		}
	}
}
