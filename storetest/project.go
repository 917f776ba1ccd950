package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
)

// sameProject describes how got differs from want, or returns "".
func sameProject(got, want *tenantry.Project) string {
	if got.ID != want.ID || got.TenantID != want.TenantID || got.Name != want.Name || got.Description != want.Description ||
		got.IsActive != want.IsActive || !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		return fmt.Sprintf("got %+v, want %+v", *got, *want)
	}
	return ""
}

func testProjects(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	tn, h := newTenant(t, ctx, s, "proj", "pro", "")
	_, other := newTenant(t, ctx, s, "proj-other", "pro", "")
	ctx = tenantry.NewContextWithRequestID(tenantry.NewContextWithIdentity(ctx, tenantry.Identity{APIKeyID: "key-1", TenantID: tn.ID}), "req-proj")

	p, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: "  Website  ", Description: "The site"})
	fatalIf(t, "CreateProject", err)
	if p.ID == "" || p.TenantID != tn.ID || p.Name != "Website" || p.Description != "The site" || !p.IsActive || p.CreatedAt.IsZero() || p.UpdatedAt.IsZero() {
		t.Errorf("CreateProject: got %+v, want Website, active, of %s", p, tn.ID)
	}
	ev := wantAudit(t, ctx, h, "project.create", p.ID)
	if ev != nil && (ev.Actor.Type != tenantry.ActorAPIKey || ev.Actor.ID != "key-1" || ev.RequestID != "req-proj") {
		t.Errorf("project.create event: got actor %+v request %q, want api_key key-1 req-proj", ev.Actor, ev.RequestID)
	}
	if ev != nil {
		var data map[string]any
		if err := json.Unmarshal(ev.Data, &data); err != nil || data["name"] != "Website" {
			t.Errorf("project.create event data: got %s (%v), want {\"name\": \"Website\"}", ev.Data, err)
		}
	}
	inactive, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: "Old", IsActive: ptr(false)})
	fatalIf(t, "CreateProject(inactive)", err)
	if inactive.IsActive {
		t.Errorf("CreateProject(IsActive false): got active, want inactive")
	}
	// The same name in another tenant is fine.
	op, err := pj(other).CreateProject(ctx, tenantry.ProjectCreate{Name: "Website"})
	fatalIf(t, "CreateProject(same name, other tenant)", err)

	got, err := pj(h).Project(ctx, p.ID)
	fatalIf(t, "Project", err)
	if d := sameProject(got, p); d != "" {
		t.Errorf("Project: %s", d)
	}

	bad := []struct {
		name string
		fn   func() error
		want string
	}{
		{"CreateProject(no name)", func() error { _, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: "  "}); return err }, tenantry.EINVALID},
		{"CreateProject(long name)", func() error {
			_, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: strings.Repeat("n", 201)})
			return err
		}, tenantry.EINVALID},
		{"CreateProject(duplicate name)", func() error { _, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: "Website"}); return err }, tenantry.ECONFLICT},
		{"Project(unknown)", func() error { _, err := pj(h).Project(ctx, tenantry.NewID()); return err }, tenantry.ENOTFOUND},
		{"Project(not-a-uuid)", func() error { _, err := pj(h).Project(ctx, "not-a-uuid"); return err }, tenantry.ENOTFOUND},
		{"Project(other tenant's)", func() error { _, err := pj(h).Project(ctx, op.ID); return err }, tenantry.ENOTFOUND},
		{"UpdateProject(other tenant's)", func() error {
			_, err := pj(h).UpdateProject(ctx, op.ID, tenantry.ProjectUpdate{Name: ptr("Stolen")})
			return err
		}, tenantry.ENOTFOUND},
		{"UpdateProject(unknown)", func() error {
			_, err := pj(h).UpdateProject(ctx, tenantry.NewID(), tenantry.ProjectUpdate{Name: ptr("X")})
			return err
		}, tenantry.ENOTFOUND},
		{"UpdateProject(not-a-uuid)", func() error {
			_, err := pj(h).UpdateProject(ctx, "not-a-uuid", tenantry.ProjectUpdate{Name: ptr("X")})
			return err
		}, tenantry.ENOTFOUND},
		{"UpdateProject(empty name)", func() error {
			_, err := pj(h).UpdateProject(ctx, p.ID, tenantry.ProjectUpdate{Name: ptr(" ")})
			return err
		}, tenantry.EINVALID},
		{"UpdateProject(taken name)", func() error {
			_, err := pj(h).UpdateProject(ctx, inactive.ID, tenantry.ProjectUpdate{Name: ptr("Website")})
			return err
		}, tenantry.ECONFLICT},
		{"DeleteProject(other tenant's)", func() error { return pj(h).DeleteProject(ctx, op.ID) }, tenantry.ENOTFOUND},
		{"DeleteProject(unknown)", func() error { return pj(h).DeleteProject(ctx, tenantry.NewID()) }, tenantry.ENOTFOUND},
		{"DeleteProject(not-a-uuid)", func() error { return pj(h).DeleteProject(ctx, "not-a-uuid") }, tenantry.ENOTFOUND},
	}
	for _, tt := range bad {
		wantCode(t, tt.name, tt.fn(), tt.want)
	}
	if got, err := pj(other).Project(ctx, op.ID); err != nil || got.Name != "Website" {
		t.Errorf("other tenant's project after refused calls: got %+v, %v; want it unchanged", got, err)
	}
	if got, err := pj(h).Project(ctx, inactive.ID); err != nil || got.Name != "Old" {
		t.Errorf("Project after refused rename: got %+v, %v; want it unchanged", got, err)
	}

	up, err := pj(h).UpdateProject(ctx, p.ID, tenantry.ProjectUpdate{Name: ptr(" Web "), Description: ptr(""), IsActive: ptr(false)})
	fatalIf(t, "UpdateProject", err)
	want := *p
	want.Name, want.Description, want.IsActive, want.UpdatedAt = "Web", "", false, up.UpdatedAt
	if d := sameProject(up, &want); d != "" || up.UpdatedAt.Before(p.UpdatedAt) {
		t.Errorf("UpdateProject: %s (updated_at %v, before %v)", d, up.UpdatedAt, p.UpdatedAt)
	}
	wantAudit(t, ctx, h, "project.update", p.ID)
	// Renaming to its own name is no conflict; a partial update keeps the rest.
	up2, err := pj(h).UpdateProject(ctx, p.ID, tenantry.ProjectUpdate{Name: ptr("Web")})
	fatalIf(t, "UpdateProject(same name)", err)
	if up2.Name != "Web" || up2.IsActive || up2.Description != "" {
		t.Errorf("UpdateProject(same name): got %+v", up2)
	}
	// The freed name can be taken again.
	newProject(t, ctx, h, "Website")

	tk := newTask(t, ctx, h, p.ID, "Task of Web", nil)
	fatalIf(t, "DeleteProject", pj(h).DeleteProject(ctx, p.ID))
	wantAudit(t, ctx, h, "project.delete", p.ID)
	_, err = pj(h).Project(ctx, p.ID)
	wantCode(t, "Project after DeleteProject", err, tenantry.ENOTFOUND)
	_, err = pj(h).Task(ctx, tk.ID)
	wantCode(t, "Task of a deleted project", err, tenantry.ENOTFOUND)
	wantCode(t, "DeleteProject twice", pj(h).DeleteProject(ctx, p.ID), tenantry.ENOTFOUND)
}

func testProjectPagination(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	_, h := newTenant(t, ctx, s, "pages", "pro", "")
	_, other := newTenant(t, ctx, s, "pages-other", "pro", "")
	var ids []string
	for i := range 7 {
		ids = append(ids, newProject(t, ctx, h, fmt.Sprintf("Project %d", i)).ID)
		newProject(t, ctx, other, fmt.Sprintf("Project %d", i))
	}
	slices.Sort(ids)
	f := tenantry.ProjectFilter{Page: tenantry.Page{Limit: 3}}
	var got []string
	var sizes []int
	for range 10 {
		ps, next, err := pj(h).Projects(ctx, f)
		fatalIf(t, "Projects", err)
		sizes = append(sizes, len(ps))
		for _, p := range ps {
			got = append(got, p.ID)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if jsonOf(sizes) != "[3,3,1]" {
		t.Errorf("Projects pages of 3: got sizes %v, want [3 3 1] with the last next cursor \"\"", sizes)
	}
	if jsonOf(got) != jsonOf(ids) {
		t.Errorf("Projects pages: got %v, want %v (ids ascending)", got, ids)
	}
	// A page that ends exactly at the last row may return a cursor, but the
	// page after it must be empty with next "".
	ps, next, err := pj(h).Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Limit: 7}})
	fatalIf(t, "Projects(limit 7)", err)
	if len(ps) != 7 {
		t.Errorf("Projects(limit 7): got %d, want 7", len(ps))
	}
	if next != "" {
		ps, next, err = pj(h).Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Limit: 7, Cursor: next}})
		fatalIf(t, "Projects(after the last row)", err)
		if len(ps) != 0 || next != "" {
			t.Errorf("Projects(after the last row): got %d rows and next %q, want none and \"\"", len(ps), next)
		}
	}
	_, _, err = pj(h).Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Cursor: "%%%"}})
	wantCode(t, "Projects(bad cursor)", err, tenantry.EBADREQUEST)
	// A cursor naming another tenant's row reveals nothing of it.
	ops, _, err := pj(other).Projects(ctx, tenantry.ProjectFilter{})
	fatalIf(t, "Projects(other)", err)
	ps, _, err = pj(h).Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Cursor: tenantry.Cursor(ops[0].ID)}})
	if err == nil {
		for _, p := range ps {
			if p.TenantID != h.ID() {
				t.Errorf("Projects(cursor of another tenant's row): got a project of tenant %s", p.TenantID)
			}
		}
	}
}

func testProjectFilters(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	_, h := newTenant(t, ctx, s, "filters", "pro", "")
	_, other := newTenant(t, ctx, s, "filters-other", "pro", "")
	mk := func(h tenantry.TenantStore, name, desc string, active bool) string {
		p, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: name, Description: desc, IsActive: &active})
		fatalIf(t, "CreateProject", err)
		return p.ID
	}
	apollo := mk(h, "Apollo", "moon landing", true)
	gemini := mk(h, "Gemini", "two seats", false)
	mercury := mk(h, "Mercury", "first APOLLO precursor", true)
	mk(other, "Apollo", "moon", true)
	mk(other, "Gemini", "apollo", false)
	tests := []struct {
		name string
		f    tenantry.ProjectFilter
		want []string
	}{
		{"none", tenantry.ProjectFilter{}, []string{apollo, gemini, mercury}},
		{"active", tenantry.ProjectFilter{IsActive: ptr(true)}, []string{apollo, mercury}},
		{"inactive", tenantry.ProjectFilter{IsActive: ptr(false)}, []string{gemini}},
		{"q in name or description, any case", tenantry.ProjectFilter{Q: "aPoLLo"}, []string{apollo, mercury}},
		{"q and inactive", tenantry.ProjectFilter{Q: "apollo", IsActive: ptr(false)}, nil},
		{"q seats", tenantry.ProjectFilter{Q: "SEATS"}, []string{gemini}},
		{"q with LIKE wildcard", tenantry.ProjectFilter{Q: "%"}, nil},
		{"q with LIKE underscore", tenantry.ProjectFilter{Q: "_"}, nil},
		{"q no match", tenantry.ProjectFilter{Q: "venus"}, nil},
	}
	for _, tt := range tests {
		ps, next, err := pj(h).Projects(ctx, tt.f)
		fatalIf(t, "Projects("+tt.name+")", err)
		var got []string
		for _, p := range ps {
			got = append(got, p.ID)
		}
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if jsonOf(got) != jsonOf(want) || next != "" {
			t.Errorf("Projects(%s): got %v next %q, want %v next \"\"", tt.name, got, next, want)
		}
	}
}

func testProjectPlanLimit(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	_, h := newTenant(t, ctx, s, "limited", "free", "")
	_, ent := newTenant(t, ctx, s, "unlimited", "enterprise", "")
	for i := range 10 {
		newProject(t, ctx, ent, fmt.Sprintf("E%d", i))
	}
	create := func(name string) error {
		_, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: name})
		return err
	}
	for i := range 3 {
		fatalIf(t, "CreateProject within the free plan", create(fmt.Sprintf("P%d", i)))
	}
	err := create("P3")
	if wantCode(t, "CreateProject(4th on free)", err, tenantry.EPLANLIMIT) {
		if got, want := tenantry.ErrorMessage(err), "The free plan allows 3 projects."; got != want {
			t.Errorf("CreateProject(4th on free): got message %q, want %q", got, want)
		}
	}
	// The tenant cannot lift its own limit through its settings.
	_, err = h.UpdateSettings(ctx, tenantry.Settings{tenantry.LimitMaxProjects: -1})
	wantCode(t, "UpdateSettings(max_projects -1)", err, tenantry.EINVALID)
	wantCode(t, "CreateProject(4th after a refused settings override)", create("P3"), tenantry.EPLANLIMIT)
	// The platform can.
	_, err = s.Platform().UpdateTenant(ctx, h.ID(), tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{tenantry.LimitMaxProjects: 5}})
	fatalIf(t, "UpdateTenant(limits max_projects 5)", err)
	fatalIf(t, "CreateProject(4th with override)", create("P3"))
	fatalIf(t, "CreateProject(5th with override)", create("P4"))
	wantCode(t, "CreateProject(6th with override)", create("P5"), tenantry.EPLANLIMIT)
	// Deleting frees a slot.
	ps, _, err := pj(h).Projects(ctx, tenantry.ProjectFilter{})
	fatalIf(t, "Projects", err)
	if len(ps) != 5 {
		t.Fatalf("Projects: got %d, want 5", len(ps))
	}
	fatalIf(t, "DeleteProject", pj(h).DeleteProject(ctx, ps[0].ID))
	fatalIf(t, "CreateProject after a delete", create("P5"))
	wantCode(t, "CreateProject(over again)", create("P6"), tenantry.EPLANLIMIT)
	// Lowering the override below the count refuses creates; removing it
	// falls back to the plan.
	_, err = s.Platform().UpdateTenant(ctx, h.ID(), tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{tenantry.LimitMaxProjects: nil}})
	fatalIf(t, "UpdateTenant(remove override)", err)
	wantCode(t, "CreateProject(plan limit again)", create("P7"), tenantry.EPLANLIMIT)
	// Upgrading the plan raises it.
	_, err = s.Platform().UpdateTenant(ctx, h.ID(), tenantry.TenantUpdate{Plan: ptr("starter")})
	fatalIf(t, "UpdateTenant(starter)", err)
	fatalIf(t, "CreateProject on starter", create("P7"))
	u, err := usage(ctx, h)
	fatalIf(t, "Usage", err)
	if u.Projects != 6 {
		t.Errorf("Usage.Projects: got %d, want 6", u.Projects)
	}
}

func testMemberPlanLimit(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "owner@example.com")
	_, h := newTenant(t, ctx, s, "crowd", "free", owner.ID)
	var users []*tenantry.User
	for i := range 6 {
		users = append(users, newUser(t, ctx, s, fmt.Sprintf("u%d@example.com", i)))
	}
	// An invitation made while there is room, accepted after the tenant
	// filled up, is refused at accept.
	inv := &tenantry.Invitation{Email: users[5].Email, Role: tenantry.RoleMember, TokenHash: "crowd-inv"}
	fatalIf(t, "CreateInvitation", h.CreateInvitation(ctx, inv))
	for i := range 4 {
		_, err := h.AddMember(ctx, users[i].ID, tenantry.RoleMember)
		fatalIf(t, "AddMember within the free plan", err)
	}
	_, err := h.AddMember(ctx, users[4].ID, tenantry.RoleMember)
	wantCode(t, "AddMember(6th on free)", err, tenantry.EPLANLIMIT)
	// At the limit, a new invitation is refused when it is made: it could
	// not be accepted.
	late := &tenantry.Invitation{Email: users[4].Email, Role: tenantry.RoleMember, TokenHash: "crowd-late"}
	wantCode(t, "CreateInvitation(at the member limit)", h.CreateInvitation(ctx, late), tenantry.EPLANLIMIT)
	if invs, err := allPages(ctx, 10, h.Invitations); err != nil || len(invs) != 1 {
		t.Errorf("Invitations after a refused create: got %d (err %v), want the 1 made earlier", len(invs), err)
	}
	_, err = h.AcceptInvitation(ctx, "crowd-inv", users[5].ID)
	wantCode(t, "AcceptInvitation(6th on free)", err, tenantry.EPLANLIMIT)
	_, err = h.Member(ctx, users[5].ID)
	wantCode(t, "Member after a refused accept", err, tenantry.ENOTFOUND)
	_, err = h.UpdateSettings(ctx, tenantry.Settings{tenantry.LimitMaxMembers: 6})
	wantCode(t, "UpdateSettings(max_members 6)", err, tenantry.EINVALID)
	_, err = h.AcceptInvitation(ctx, "crowd-inv", users[5].ID)
	wantCode(t, "AcceptInvitation(6th after a refused settings override)", err, tenantry.EPLANLIMIT)
	_, err = s.Platform().UpdateTenant(ctx, h.ID(), tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{tenantry.LimitMaxMembers: 6}})
	fatalIf(t, "UpdateTenant(limits max_members 6)", err)
	_, err = h.AcceptInvitation(ctx, "crowd-inv", users[5].ID)
	wantCode(t, "AcceptInvitation with the override", err, "")
	u, err := usage(ctx, h)
	fatalIf(t, "Usage", err)
	if u.Members != 6 {
		t.Errorf("Usage.Members: got %d, want 6", u.Members)
	}
}

func testConcurrentPlanLimit(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	_, h := newTenant(t, ctx, s, "race", "free", "")
	const n = 20
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprintf("Concurrent %d", i)})
			codes[i] = tenantry.ErrorCode(err)
			if codes[i] == tenantry.EINTERNAL {
				t.Errorf("CreateProject %d: got internal error %v", i, err)
			}
		})
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[""] != 3 || count[tenantry.EPLANLIMIT] != n-3 {
		t.Errorf("%d concurrent CreateProject on free: got outcomes %v, want 3 successes and %d plan_limit", n, count, n-3)
	}
	ps, _, err := pj(h).Projects(ctx, tenantry.ProjectFilter{})
	fatalIf(t, "Projects", err)
	if len(ps) != 3 {
		t.Errorf("Projects after the race: got %d, want 3", len(ps))
	}
}
