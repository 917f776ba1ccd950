package sqlite

import (
	"fmt"
	"maps"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestCreateTenant(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	pl := db.Platform()
	u := mustUser(t, db, "a@example.com")
	id := tenantry.NewID()
	tests := []struct {
		name string
		tc   tenantry.TenantCreate
		want string
	}{
		{"ok", tenantry.TenantCreate{ID: id, Name: "Acme", Slug: "Acme", Domain: "acme.example.com", Plan: "pro",
			Settings: tenantry.Settings{"welcome": "hi"}, OwnerID: u.ID}, ""},
		{"taken slug", tenantry.TenantCreate{Name: "X", Slug: "acme"}, tenantry.ECONFLICT},
		{"taken domain", tenantry.TenantCreate{Name: "X", Slug: "x1", Domain: "ACME.example.com"}, tenantry.ECONFLICT},
		{"taken id", tenantry.TenantCreate{ID: id, Name: "X", Slug: "x2"}, tenantry.ECONFLICT},
		{"unknown owner", tenantry.TenantCreate{Name: "X", Slug: "x3", OwnerID: tenantry.NewID()}, tenantry.ENOTFOUND},
		{"reserved slug", tenantry.TenantCreate{Name: "X", Slug: "www"}, tenantry.EINVALID},
		{"unknown plan", tenantry.TenantCreate{Name: "X", Slug: "x4", Plan: "gold"}, tenantry.EINVALID},
		{"bad settings", tenantry.TenantCreate{Name: "X", Slug: "x5", Settings: tenantry.Settings{"max_projects": 1.5}}, tenantry.EINVALID},
		{"no domain twice", tenantry.TenantCreate{Name: "Y", Slug: "y1"}, ""},
		{"no domain twice 2", tenantry.TenantCreate{Name: "Y", Slug: "y2"}, ""},
	}
	for _, tt := range tests {
		_, err := pl.CreateTenant(ctx, tt.tc)
		wantCode(t, tt.name, err, tt.want)
	}
	tn, err := db.TenantByID(ctx, id)
	if err != nil || tn.Slug != "acme" || tn.Plan != "pro" || tn.Settings.String("welcome") != "hi" {
		t.Errorf("TenantByID: got %+v, %v", tn, err)
	}
	if m, err := db.Tenant(id).Member(ctx, u.ID); err != nil || m.Role != tenantry.RoleOwner {
		t.Errorf("owner: got %v, %v", m, err)
	}
	evs, _, _ := pl.AuditEvents(ctx, tenantry.AuditFilter{TenantID: id, Action: "tenant.create"})
	if len(evs) != 1 {
		t.Errorf("tenant.create events: got %d, want 1", len(evs))
	}
}

func TestTenantsFilter(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	pl := db.Platform()
	for _, tc := range []tenantry.TenantCreate{
		{Name: "Acme Corp", Slug: "acme", Plan: "pro", Domain: "acme.io"},
		{Name: "Globex", Slug: "globex"},
		{Name: "Initech 100%", Slug: "initech", Plan: "pro"},
		{Name: "Umbrella", Slug: "umbrella", Domain: "umbrella.example.com"},
	} {
		if _, err := pl.CreateTenant(ctx, tc); err != nil {
			t.Fatal(err)
		}
	}
	g, _ := db.TenantBySlug(ctx, "globex")
	if _, err := pl.SetTenantStatus(ctx, g.ID, tenantry.TenantSuspended); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    tenantry.TenantFilter
		want string
	}{
		{"all", tenantry.TenantFilter{}, "[acme globex initech umbrella]"},
		{"all paged", tenantry.TenantFilter{Page: tenantry.Page{Limit: 1}}, "[acme globex initech umbrella]"},
		{"plan", tenantry.TenantFilter{Plan: "pro"}, "[acme initech]"},
		{"status", tenantry.TenantFilter{Status: tenantry.TenantSuspended}, "[globex]"},
		{"q name", tenantry.TenantFilter{Q: "CORP"}, "[acme]"},
		{"q domain", tenantry.TenantFilter{Q: "example.com"}, "[umbrella]"},
		{"q slug", tenantry.TenantFilter{Q: "lobe"}, "[globex]"},
		{"q percent", tenantry.TenantFilter{Q: "%"}, "[initech]"},
		{"q and plan", tenantry.TenantFilter{Q: "a", Plan: "free"}, "[umbrella]"},
	}
	for _, tt := range tests {
		var got []string
		f := tt.f
		for range 10 {
			ts, next, err := pl.Tenants(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, tn := range ts {
				got = append(got, tn.Slug)
			}
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if fmt.Sprint(got) != tt.want {
			t.Errorf("Tenants(%s): got %v, want %s", tt.name, got, tt.want)
		}
	}
}

func TestUpdateTenant(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	pl := db.Platform()
	a, _ := mustTenant(t, db, "aa", "free", "")
	if _, err := pl.CreateTenant(ctx, tenantry.TenantCreate{Name: "B", Slug: "bb", Domain: "b.example.com"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		id   string
		tu   tenantry.TenantUpdate
		want string
	}{
		{"rename and plan", a.ID, tenantry.TenantUpdate{Name: ptr(" Alpha "), Plan: ptr("pro")}, ""},
		{"domain", a.ID, tenantry.TenantUpdate{Domain: ptr("A.Example.com")}, ""},
		{"settings patch", a.ID, tenantry.TenantUpdate{SettingsPatch: tenantry.Settings{"welcome": "hi"}}, ""},
		{"taken domain", a.ID, tenantry.TenantUpdate{Domain: ptr("b.example.com")}, tenantry.ECONFLICT},
		{"unknown plan", a.ID, tenantry.TenantUpdate{Plan: ptr("gold")}, tenantry.EINVALID},
		{"empty name", a.ID, tenantry.TenantUpdate{Name: ptr("")}, tenantry.EINVALID},
		{"unknown tenant", tenantry.NewID(), tenantry.TenantUpdate{Name: ptr("X")}, tenantry.ETENANTNOTFOUND},
		{"bad id", "x", tenantry.TenantUpdate{Name: ptr("X")}, tenantry.ETENANTNOTFOUND},
	}
	for _, tt := range tests {
		_, err := pl.UpdateTenant(ctx, tt.id, tt.tu)
		wantCode(t, tt.name, err, tt.want)
	}
	got, _ := db.TenantByID(ctx, a.ID)
	if got.Name != "Alpha" || got.Plan != "pro" || got.Domain != "a.example.com" || got.Settings.String("welcome") != "hi" {
		t.Errorf("after updates: got %+v", got)
	}
	if _, err := pl.UpdateTenant(ctx, a.ID, tenantry.TenantUpdate{Domain: ptr("")}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TenantByDomain(ctx, "a.example.com"); tenantry.ErrorCode(err) != tenantry.ETENANTNOTFOUND {
		t.Errorf("TenantByDomain after clearing: got %v, want tenant_not_found", err)
	}
	statuses := []struct {
		s      tenantry.TenantStatus
		action string
		want   string
	}{
		{tenantry.TenantSuspended, "tenant.suspend", ""},
		{tenantry.TenantArchived, "tenant.archive", ""},
		{tenantry.TenantActive, "tenant.activate", ""},
		{"gone", "", tenantry.EINVALID},
	}
	for _, st := range statuses {
		tn, err := pl.SetTenantStatus(ctx, a.ID, st.s)
		wantCode(t, "SetTenantStatus("+string(st.s)+")", err, st.want)
		if err != nil {
			continue
		}
		if tn.Status != st.s {
			t.Errorf("SetTenantStatus(%s): got %s", st.s, tn.Status)
		}
		if evs, _, _ := pl.AuditEvents(ctx, tenantry.AuditFilter{TenantID: a.ID, Action: st.action}); len(evs) != 1 {
			t.Errorf("%s events: got %d, want 1", st.action, len(evs))
		}
	}
	_, err := pl.SetTenantStatus(ctx, tenantry.NewID(), tenantry.TenantActive)
	wantCode(t, "SetTenantStatus(unknown)", err, tenantry.ETENANTNOTFOUND)
	if evs, _, _ := pl.AuditEvents(ctx, tenantry.AuditFilter{TenantID: a.ID, Action: "tenant.update"}); len(evs) != 4 {
		t.Errorf("tenant.update events: got %d, want 4", len(evs))
	}
}

// fill gives tenant h rows in every tenant table and returns its owner.
func fill(t *testing.T, db *DB, h tenantry.TenantStore, owner *tenantry.User) {
	t.Helper()
	ctx := t.Context()
	p, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: "P", Description: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "T", AssignedToID: &owner.ID}); err != nil {
		t.Fatal(err)
	}
	if err := h.CreateAPIKey(ctx, &tenantry.APIKey{Name: "K", Role: tenantry.RoleMember, Hash: "hash-" + h.ID()}); err != nil {
		t.Fatal(err)
	}
	if err := h.CreateInvitation(ctx, &tenantry.Invitation{Email: "inv@example.com", Role: tenantry.RoleMember, TokenHash: "inv-" + h.ID()}); err != nil {
		t.Fatal(err)
	}
	s := &tenantry.ChatSession{UserID: owner.ID}
	if err := h.CreateChatSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := h.AppendChatMessages(ctx, s.ID, &tenantry.ChatMessage{Role: tenantry.ChatRoleUser, Content: "hi"},
		&tenantry.ChatMessage{Role: tenantry.ChatRoleAssistant, Content: "hello", Model: "m"}); err != nil {
		t.Fatal(err)
	}
	if err := h.AddUsage(ctx, tenantry.CounterRequests, 3); err != nil {
		t.Fatal(err)
	}
}

// tenantTables lists every tenant table of db: the extensions' and
// Tenantry's own.
func tenantTables(db *DB) []string {
	return append(tenantry.ExtensionTables(db.exts), "chat_messages", "chat_sessions", "api_keys", "invitations",
		"audit_events", "usage_counters", "members", "tenant_events", "tenant_event_seqs")
}

// countRows counts tenant id's rows in every tenant table.
func countRows(t *testing.T, db *DB, id string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range tenantTables(db) {
		var n int
		if err := queryRow(t, db, `SELECT count(*) FROM `+table+` WHERE tenant_id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	var n int
	if err := queryRow(t, db, `SELECT count(*) FROM tenants WHERE id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	out["tenants"] = n
	return out
}

func TestDeleteTenant(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	owner := mustUser(t, db, "owner@example.com")
	a, ha := mustTenant(t, db, "aa", "pro", owner.ID)
	b, hb := mustTenant(t, db, "bb", "pro", owner.ID)
	fill(t, db, ha, owner)
	fill(t, db, hb, owner)
	if err := db.SetDefaultTenant(ctx, owner.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	for table, n := range countRows(t, db, a.ID) {
		if n == 0 {
			t.Errorf("before delete: table %s has no rows of the tenant; fill every table", table)
		}
	}
	before := countRows(t, db, b.ID)
	wantCode(t, "DeleteTenant", db.Platform().DeleteTenant(ctx, a.ID), "")
	wantCode(t, "DeleteTenant again", db.Platform().DeleteTenant(ctx, a.ID), tenantry.ETENANTNOTFOUND)
	for table, n := range countRows(t, db, a.ID) {
		if n != 0 {
			t.Errorf("after delete: table %s has %d rows of the tenant, want 0", table, n)
		}
	}
	if after := countRows(t, db, b.ID); !maps.Equal(after, before) {
		t.Errorf("other tenant: got %v, want %v", after, before)
	}
	if u, _ := db.User(ctx, owner.ID); u.DefaultTenantID != "" {
		t.Errorf("default tenant after delete: got %q, want none", u.DefaultTenantID)
	}
	if evs, _, _ := db.Platform().AuditEvents(ctx, tenantry.AuditFilter{TenantID: a.ID, Action: "tenant.delete"}); len(evs) != 1 {
		t.Errorf("tenant.delete events: got %d, want 1", len(evs))
	}
}
