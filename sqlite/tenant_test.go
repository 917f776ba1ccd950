package sqlite

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

// handleCalls calls every method of a tenant handle once and returns the
// errors by name; reads and writes are told apart.
func handleCalls(ctx context.Context, h tenantry.TenantStore, userID string) (reads, writes map[string]error) {
	id := tenantry.NewID()
	reads = map[string]error{}
	writes = map[string]error{}
	_, reads["Tenant"] = h.Tenant(ctx)
	_, reads["Member"] = h.Member(ctx, userID)
	_, reads["Project"] = pj(h).Project(ctx, id)
	_, reads["Task"] = pj(h).Task(ctx, id)
	_, reads["APIKey"] = h.APIKey(ctx, id)
	_, reads["ChatSession"] = h.ChatSession(ctx, id)
	_, _, reads["ChatMessages"] = h.ChatMessages(ctx, id, tenantry.Page{})
	_, reads["RecentChatMessages"] = h.RecentChatMessages(ctx, id, 5)

	_, writes["UpdateSettings"] = h.UpdateSettings(ctx, tenantry.Settings{"welcome": "hi"})
	writes["AddUsage"] = h.AddUsage(ctx, tenantry.CounterRequests, 1)
	_, writes["AddMember"] = h.AddMember(ctx, userID, tenantry.RoleMember)
	_, writes["UpdateMember"] = h.UpdateMember(ctx, userID, tenantry.RoleAdmin)
	writes["RemoveMember"] = h.RemoveMember(ctx, userID)
	writes["CreateInvitation"] = h.CreateInvitation(ctx, &tenantry.Invitation{Email: "x@example.com", Role: tenantry.RoleMember, TokenHash: id})
	writes["RevokeInvitation"] = h.RevokeInvitation(ctx, id)
	_, writes["AcceptInvitation"] = h.AcceptInvitation(ctx, id, userID)
	writes["CreateAPIKey"] = h.CreateAPIKey(ctx, &tenantry.APIKey{Name: "k", Role: tenantry.RoleMember, Hash: id})
	writes["RevokeAPIKey"] = h.RevokeAPIKey(ctx, id)
	_, writes["CreateProject"] = pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: "p"})
	_, writes["UpdateProject"] = pj(h).UpdateProject(ctx, id, tenantry.ProjectUpdate{Name: ptr("q")})
	writes["DeleteProject"] = pj(h).DeleteProject(ctx, id)
	_, writes["CreateTask"] = pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: id, Title: "t"})
	_, writes["UpdateTask"] = pj(h).UpdateTask(ctx, id, tenantry.TaskUpdate{Title: ptr("u")})
	writes["DeleteTask"] = pj(h).DeleteTask(ctx, id)
	writes["CreateChatSession"] = h.CreateChatSession(ctx, &tenantry.ChatSession{UserID: userID})
	writes["AppendChatMessages"] = h.AppendChatMessages(ctx, id, &tenantry.ChatMessage{Role: tenantry.ChatRoleUser, Content: "hi"})
	return reads, writes
}

func TestTenantRequired(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	u := mustUser(t, db, "a@example.com")
	for _, id := range []string{"", "not-a-uuid", "acme"} {
		h := db.Tenant(id)
		reads, writes := handleCalls(ctx, h, u.ID)
		for name, err := range reads {
			wantCode(t, "Tenant("+id+")."+name, err, tenantry.ETENANTREQUIRED)
		}
		for name, err := range writes {
			wantCode(t, "Tenant("+id+")."+name, err, tenantry.ETENANTREQUIRED)
		}
		_, err := h.Usage(ctx)
		wantCode(t, "Tenant("+id+").Usage", err, tenantry.ETENANTREQUIRED)
		_, _, err = pj(h).Projects(ctx, tenantry.ProjectFilter{})
		wantCode(t, "Tenant("+id+").Projects", err, tenantry.ETENANTREQUIRED)
		_, _, err = h.Members(ctx, tenantry.Page{})
		wantCode(t, "Tenant("+id+").Members", err, tenantry.ETENANTREQUIRED)
		_, _, err = pj(h).Tasks(ctx, tenantry.TaskFilter{})
		wantCode(t, "Tenant("+id+").Tasks", err, tenantry.ETENANTREQUIRED)
		_, _, err = h.AuditEvents(ctx, tenantry.AuditFilter{})
		wantCode(t, "Tenant("+id+").AuditEvents", err, tenantry.ETENANTREQUIRED)
		_, _, err = h.APIKeys(ctx, tenantry.Page{})
		wantCode(t, "Tenant("+id+").APIKeys", err, tenantry.ETENANTREQUIRED)
		_, _, err = h.Invitations(ctx, tenantry.Page{})
		wantCode(t, "Tenant("+id+").Invitations", err, tenantry.ETENANTREQUIRED)
		_, err = h.APIKeyByHash(ctx, "x")
		wantCode(t, "Tenant("+id+").APIKeyByHash", err, tenantry.ETENANTREQUIRED)
	}
}

func TestUnknownTenant(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	u := mustUser(t, db, "a@example.com")
	h := db.Tenant(tenantry.NewID())
	reads, writes := handleCalls(ctx, h, u.ID)
	for name, err := range reads {
		want := tenantry.ENOTFOUND
		if name == "Tenant" {
			want = tenantry.ETENANTNOTFOUND
		}
		wantCode(t, name, err, want)
	}
	for name, err := range writes {
		wantCode(t, name, err, tenantry.ETENANTNOTFOUND)
	}
	ps, next, err := pj(h).Projects(ctx, tenantry.ProjectFilter{})
	if err != nil || len(ps) != 0 || next != "" {
		t.Errorf("Projects of an unknown tenant: got %d, %q, %v, want none", len(ps), next, err)
	}
}

func TestTenantLookups(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	tn, err := db.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Acme", Slug: "acme", Domain: "Acme.Example.COM."})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		get  func() (*tenantry.Tenant, error)
		want string
	}{
		{"by id", func() (*tenantry.Tenant, error) { return db.TenantByID(ctx, tn.ID) }, ""},
		{"by upper-case id", func() (*tenantry.Tenant, error) { return db.TenantByID(ctx, strings.ToUpper(tn.ID)) }, ""},
		{"by slug", func() (*tenantry.Tenant, error) { return db.TenantBySlug(ctx, "acme") }, ""},
		{"by domain", func() (*tenantry.Tenant, error) { return db.TenantByDomain(ctx, "acme.example.com:8080") }, ""},
		{"unknown id", func() (*tenantry.Tenant, error) { return db.TenantByID(ctx, tenantry.NewID()) }, tenantry.ETENANTNOTFOUND},
		{"bad id", func() (*tenantry.Tenant, error) { return db.TenantByID(ctx, "acme") }, tenantry.ETENANTNOTFOUND},
		{"unknown slug", func() (*tenantry.Tenant, error) { return db.TenantBySlug(ctx, "other") }, tenantry.ETENANTNOTFOUND},
		{"empty slug", func() (*tenantry.Tenant, error) { return db.TenantBySlug(ctx, "") }, tenantry.ETENANTNOTFOUND},
		{"unknown domain", func() (*tenantry.Tenant, error) { return db.TenantByDomain(ctx, "other.example.com") }, tenantry.ETENANTNOTFOUND},
		{"empty domain", func() (*tenantry.Tenant, error) { return db.TenantByDomain(ctx, "") }, tenantry.ETENANTNOTFOUND},
	}
	for _, tt := range tests {
		got, err := tt.get()
		wantCode(t, tt.name, err, tt.want)
		if tt.want == "" && err == nil && (got.ID != tn.ID || got.Domain != "acme.example.com" || got.Plan != "free" || got.Status != tenantry.TenantActive) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tn)
		}
	}
	h := db.Tenant(strings.ToUpper(tn.ID))
	if h.ID() != tn.ID {
		t.Errorf("Tenant(upper).ID: got %q, want %q", h.ID(), tn.ID)
	}
	got, err := h.Tenant(ctx)
	if err != nil || got.Slug != "acme" {
		t.Errorf("handle Tenant: got %v, %v, want acme", got, err)
	}
}

func TestUpdateSettings(t *testing.T) {
	db := openTest(t)
	ctx := userCtx(t.Context(), "")
	_, h := mustTenant(t, db, "acme", "free", "")
	tests := []struct {
		name  string
		patch tenantry.Settings
		want  map[string]any
		code  string
	}{
		{"add", tenantry.Settings{"welcome": "hi", "custom": map[string]any{"color": "red", "font": "serif"}},
			map[string]any{"welcome": "hi", "custom": map[string]any{"color": "red", "font": "serif"}}, ""},
		{"merge nested and delete", tenantry.Settings{"welcome": nil, "custom": map[string]any{"font": nil}},
			map[string]any{"custom": map[string]any{"color": "red"}}, ""},
		{"limit", tenantry.Settings{"max_projects": 1}, map[string]any{"custom": map[string]any{"color": "red"}}, tenantry.EINVALID},
		{"unknown key", tenantry.Settings{"theme": "dark"}, map[string]any{"custom": map[string]any{"color": "red"}}, tenantry.EINVALID},
		{"platform key", tenantry.Settings{"provider": "openai"}, map[string]any{"custom": map[string]any{"color": "red"}}, tenantry.EINVALID},
		{"model", tenantry.Settings{"model": "m"},
			map[string]any{"custom": map[string]any{"color": "red"}, "model": "m"}, ""},
	}
	for _, tt := range tests {
		_, err := h.UpdateSettings(ctx, tt.patch)
		wantCode(t, tt.name, err, tt.code)
		got, err := h.Tenant(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(map[string]any(got.Settings), tt.want) {
			t.Errorf("%s: got settings %v, want %v", tt.name, got.Settings, tt.want)
		}
	}
	evs, _, err := h.AuditEvents(ctx, tenantry.AuditFilter{Action: "settings.update"})
	if err != nil || len(evs) != 3 {
		t.Errorf("settings.update events: got %d (%v), want 3", len(evs), err)
	}
}

func TestUsage(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	u := mustUser(t, db, "a@example.com")
	_, h := mustTenant(t, db, "acme", "pro", u.ID)
	p, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "T"}); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, "AddUsage(requests)", h.AddUsage(ctx, tenantry.CounterRequests, 3), "")
	wantCode(t, "AddUsage(requests again)", h.AddUsage(ctx, tenantry.CounterRequests, 4), "")
	wantCode(t, "AddUsage(chat)", h.AddUsage(ctx, tenantry.CounterChatMessages, 2), "")
	wantCode(t, "AddUsage(no counter)", h.AddUsage(ctx, "", 2), tenantry.EINVALID)
	// The store counts members and counters; the projects extension's
	// counters fill projects and tasks.
	got, err := h.Usage(ctx)
	want := tenantry.Usage{Members: 1, RequestsToday: 7, ChatMessagesToday: 2}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Usage: got %+v, %v, want %+v", got, err, want)
	}
	pu, err := db.Platform().TenantUsage(ctx, h.ID())
	if err != nil || !reflect.DeepEqual(pu, want) {
		t.Errorf("TenantUsage: got %+v, %v, want %+v", pu, err, want)
	}
	got, err = tenantry.UsageOf(ctx, h, db.exts)
	want.Projects, want.Tasks = 1, 2
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("UsageOf: got %+v, %v, want %+v", got, err, want)
	}
	_, err = db.Platform().TenantUsage(ctx, tenantry.NewID())
	wantCode(t, "TenantUsage(unknown)", err, tenantry.ETENANTNOTFOUND)
}
