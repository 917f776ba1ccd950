package sqlite

import (
	"maps"
	"slices"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestMembers(t *testing.T) {
	db := openTest(t)
	owner := mustUser(t, db, "owner@example.com")
	ctx := userCtx(t.Context(), owner.ID)
	_, h := mustTenant(t, db, "acme", "free", owner.ID) // free: 5 members
	_, other := mustTenant(t, db, "other", "free", "")
	var users []*tenantry.User
	for _, e := range []string{"b@example.com", "c@example.com", "d@example.com", "e@example.com", "f@example.com"} {
		users = append(users, mustUser(t, db, e))
	}
	tests := []struct {
		name   string
		userID string
		role   tenantry.Role
		want   string
	}{
		{"add b", users[0].ID, tenantry.RoleAdmin, ""},
		{"add b again", users[0].ID, tenantry.RoleMember, tenantry.ECONFLICT},
		{"bad role", users[1].ID, "boss", tenantry.EINVALID},
		{"unknown user", tenantry.NewID(), tenantry.RoleMember, tenantry.ENOTFOUND},
		{"add c", users[1].ID, tenantry.RoleMember, ""},
		{"add d", users[2].ID, tenantry.RoleMember, ""},
		{"add e", users[3].ID, tenantry.RoleMember, ""},
		{"add f over the plan", users[4].ID, tenantry.RoleMember, tenantry.EPLANLIMIT},
	}
	for _, tt := range tests {
		m, err := h.AddMember(ctx, tt.userID, tt.role)
		wantCode(t, tt.name, err, tt.want)
		if err == nil && (m.Role != tt.role || m.UserID != tt.userID || m.TenantID != h.ID() || m.Email == "") {
			t.Errorf("%s: got %+v", tt.name, m)
		}
	}
	// Join order, paged.
	var got []string
	p := tenantry.Page{Limit: 2}
	for {
		ms, next, err := h.Members(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			got = append(got, m.Email)
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	want := []string{"owner@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"}
	if !slices.Equal(got, want) {
		t.Errorf("Members: got %v, want %v", got, want)
	}
	_, err := other.Member(ctx, users[0].ID)
	wantCode(t, "Member of another tenant", err, tenantry.ENOTFOUND)

	updates := []struct {
		name   string
		userID string
		role   tenantry.Role
		want   string
	}{
		{"demote last owner", owner.ID, tenantry.RoleAdmin, tenantry.EINVALID},
		{"promote b", users[0].ID, tenantry.RoleOwner, ""},
		{"demote owner now", owner.ID, tenantry.RoleMember, ""},
		{"bad role", users[0].ID, "boss", tenantry.EINVALID},
		{"unknown member", users[4].ID, tenantry.RoleAdmin, tenantry.ENOTFOUND},
		{"demote b, the last owner", users[0].ID, tenantry.RoleMember, tenantry.EINVALID},
	}
	for _, tt := range updates {
		_, err := h.UpdateMember(ctx, tt.userID, tt.role)
		wantCode(t, tt.name, err, tt.want)
	}
	_, err = h.UpdateMember(ctx, users[0].ID, tenantry.RoleMember)
	if e, ok := err.(*tenantry.Error); !ok || e.Message != "A tenant must keep at least one owner." {
		t.Errorf("last owner message: got %v, want the owner sentence", err)
	}
	removes := []struct {
		name   string
		userID string
		want   string
	}{
		{"remove last owner", users[0].ID, tenantry.EINVALID},
		{"remove c", users[1].ID, ""},
		{"remove c again", users[1].ID, tenantry.ENOTFOUND},
		{"remove a non-member", users[4].ID, tenantry.ENOTFOUND},
	}
	for _, tt := range removes {
		wantCode(t, tt.name, h.RemoveMember(ctx, tt.userID), tt.want)
	}
	evs, _, err := h.AuditEvents(ctx, tenantry.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for i, ev := range evs {
		counts[ev.Action]++
		if i == len(evs)-1 {
			continue // the owner added by CreateTenant, under the system actor
		}
		if ev.Actor.ID != owner.ID || ev.RequestID == "" {
			t.Errorf("event %s: got actor %+v request %q, want the owner and a request id", ev.Action, ev.Actor, ev.RequestID)
		}
	}
	wantCounts := map[string]int{"member.add": 5, "member.update": 2, "member.remove": 1}
	if !maps.Equal(counts, wantCounts) {
		t.Errorf("audit actions: got %v, want %v", counts, wantCounts)
	}
}

func TestRemoveMemberUnassignsTasks(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	owner := mustUser(t, db, "owner@example.com")
	u := mustUser(t, db, "u@example.com")
	_, h := mustTenant(t, db, "acme", "pro", owner.ID)
	if _, err := h.AddMember(ctx, u.ID, tenantry.RoleMember); err != nil {
		t.Fatal(err)
	}
	p, _ := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: "P"})
	tk, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "T", AssignedToID: &u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.RemoveMember(ctx, u.ID); err != nil {
		t.Fatalf("RemoveMember of an assignee: got error %v, want none", err)
	}
	got, err := pj(h).Task(ctx, tk.ID)
	if err != nil || got.AssignedToID != nil {
		t.Errorf("task after removal: got %+v, %v, want unassigned", got, err)
	}
}
