package postgres_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
)

// fillForImport gives tenant tn of db rows of every kind: three members, a
// project with an assigned task, a pending and an accepted invitation, a
// live and a revoked API key, a chat session with messages, usage and
// audit events.
func fillForImport(t *testing.T, db *postgres.DB, tn *tenantry.Tenant, owner *tenantry.User) {
	t.Helper()
	ctx := context.Background()
	ts := db.Tenant(tn.ID)
	var users []*tenantry.User
	for _, name := range []string{"bob", "carol", "dave"} {
		u, err := db.CreateUser(ctx, tenantry.UserCreate{Email: name + "." + tn.Slug + "@example.com", Name: name, PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ts.AddMember(ctx, u.ID, tenantry.RoleMember); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	if _, err := ts.UpdateMember(ctx, users[0].ID, tenantry.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	p, err := pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: "p-" + tn.Slug, Description: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pj(ts).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "assigned", AssignedToID: &users[1].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := pj(ts).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "free"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.CreateInvitation(ctx, &tenantry.Invitation{Email: "guest." + tn.Slug + "@example.com", Role: tenantry.RoleMember,
		TokenHash: "inv-" + tn.ID, CreatedBy: owner.ID}); err != nil {
		t.Fatal(err)
	}
	late, err := db.CreateUser(ctx, tenantry.UserCreate{Email: "late." + tn.Slug + "@example.com", Name: "late", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.CreateInvitation(ctx, &tenantry.Invitation{Email: late.Email, Role: tenantry.RoleAdmin, TokenHash: "acc-" + tn.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.AcceptInvitation(ctx, "acc-"+tn.ID, late.ID); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"key-" + tn.ID, "revoked-" + tn.ID} {
		k := &tenantry.APIKey{Name: h, Role: tenantry.RoleMember, Prefix: "tnt_", Hash: h, CreatedBy: owner.ID}
		if err := ts.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(h, "revoked-") {
			if err := ts.RevokeAPIKey(ctx, k.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	cs := &tenantry.ChatSession{UserID: owner.ID}
	if err := ts.CreateChatSession(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if err := ts.AppendChatMessages(ctx, cs.ID, &tenantry.ChatMessage{Role: tenantry.ChatRoleUser, Content: "hi"},
		&tenantry.ChatMessage{Role: tenantry.ChatRoleAssistant, Content: "hello", Model: "echo"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.AddUsage(ctx, tenantry.CounterRequests, 7); err != nil {
		t.Fatal(err)
	}
	if err := ts.AddUsage(ctx, tenantry.CounterChatMessages, 2); err != nil {
		t.Fatal(err)
	}
}

func exportOf(t *testing.T, db *postgres.DB, id string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := db.Platform().ExportTenant(context.Background(), id, &buf); err != nil {
		t.Fatalf("ExportTenant: %v", err)
	}
	return buf.String()
}

// TestImport runs the round trip and the malformed streams on one database.
func TestImport(t *testing.T) {
	db, _ := open(t)
	t.Run("RoundTrip", func(t *testing.T) { testImportRoundTrip(t, db) })
	t.Run("Malformed", func(t *testing.T) { testImportMalformed(t, db) })
}

func testImportRoundTrip(t *testing.T, db *postgres.DB) {
	ctx := context.Background()
	owner, a := fixture(t, db, "alpha", "pro")
	if _, err := db.Platform().UpdateTenant(ctx, a.ID, tenantry.TenantUpdate{Domain: ptr("alpha.example.com"),
		SettingsPatch: tenantry.Settings{"welcome": "hi", "custom": map[string]any{"k": 1.5, "list": []any{"x", true}}},
		LimitsPatch:   tenantry.LimitsPatch{tenantry.LimitMaxMembers: 12}}); err != nil {
		t.Fatal(err)
	}
	fillForImport(t, db, a, owner)
	if _, err := db.Platform().SetTenantStatus(ctx, a.ID, tenantry.TenantSuspended); err != nil {
		t.Fatal(err)
	}
	bOwner, b := fixture(t, db, "bravo", "pro")
	fillForImport(t, db, b, bOwner)
	otherBefore := exportOf(t, db, b.ID)

	first := exportOf(t, db, a.ID)
	for _, want := range []string{`"hash":"key-` + a.ID, `"token_hash":"inv-` + a.ID, `"type":"usage"`, `"status":"suspended"`} {
		if !strings.Contains(first, want) {
			t.Errorf("export: got no %s", want)
		}
	}

	_, err := db.Platform().ImportTenant(ctx, strings.NewReader(first))
	wantCode(t, err, tenantry.ECONFLICT)
	if err := db.Platform().DeleteTenant(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	got, err := db.Platform().ImportTenant(ctx, strings.NewReader(first))
	if err != nil {
		t.Fatalf("ImportTenant: got error %v, want none", err)
	}
	if got.ID != a.ID || got.Slug != "alpha" || got.Domain != "alpha.example.com" || got.Status != tenantry.TenantSuspended ||
		got.Settings.String("welcome") != "hi" || got.Limits[tenantry.LimitMaxMembers] != 12 || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("ImportTenant: got %+v, want tenant %s as exported", got, a.ID)
	}
	if second := exportOf(t, db, a.ID); second != first {
		t.Errorf("export after import differs:\n got %s\nwant %s", second, first)
	}
	if got := exportOf(t, db, b.ID); got != otherBefore {
		t.Errorf("other tenant after the round trip differs:\n got %s\nwant %s", got, otherBefore)
	}
	ts := db.Tenant(a.ID)
	k, err := ts.APIKeyByHash(ctx, "key-"+a.ID)
	if err != nil || k.TenantID != a.ID {
		t.Errorf("APIKeyByHash after import: got %+v, %v; want the key", k, err)
	}
	_, err = ts.APIKeyByHash(ctx, "revoked-"+a.ID)
	wantCode(t, err, tenantry.EUNAUTHENTICATED)
	_, err = db.Tenant(b.ID).APIKeyByHash(ctx, "key-"+a.ID)
	wantCode(t, err, tenantry.EUNAUTHENTICATED)
	if m, err := ts.Member(ctx, owner.ID); err != nil || m.Role != tenantry.RoleOwner {
		t.Errorf("owner after import: got %+v, %v; want owner", m, err)
	}
	if u, err := db.User(ctx, owner.ID); err != nil || u.PasswordHash != "x" {
		t.Errorf("existing user after import: got %+v, %v; want the same user with its password", u, err)
	}
	evs, _, err := db.Platform().AuditEvents(ctx, tenantry.AuditFilter{TenantID: a.ID, Action: "tenant.import"})
	if err != nil || len(evs) != 1 || evs[0].TargetID != a.ID {
		t.Errorf("tenant.import events: got %d (%v), want 1 on the tenant", len(evs), err)
	}
	tevs, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{Action: "tenant.import"})
	if err != nil || len(tevs) != 0 {
		t.Errorf("tenant trail after import: got %d tenant.import events (%v), want 0", len(tevs), err)
	}

	_, err = db.Platform().ImportTenant(ctx, strings.NewReader(first))
	wantCode(t, err, tenantry.ECONFLICT)
	// Same slug under another id.
	_, err = db.Platform().ImportTenant(ctx, strings.NewReader(strings.ReplaceAll(first, a.ID, tenantry.NewID())))
	wantCode(t, err, tenantry.ECONFLICT)
}

func TestImportIntoAnotherDatabase(t *testing.T) {
	src, _ := open(t)
	ctx := context.Background()
	owner, a := fixture(t, src, "alpha", "pro")
	fillForImport(t, src, a, owner)
	carol, err := src.UserByEmail(ctx, "carol.alpha@example.com")
	if err != nil {
		t.Fatal(err)
	}
	export := exportOf(t, src, a.ID)

	dave, err := src.UserByEmail(ctx, "dave.alpha@example.com")
	if err != nil {
		t.Fatal(err)
	}
	dst, url := open(t)
	// carol exists in dst under another id; a stranger holds dave's id.
	local, err := dst.CreateUser(ctx, tenantry.UserCreate{Email: "Carol.Alpha@example.com", Name: "Carol Local", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rawApp(t, url).Exec(ctx, `INSERT INTO users (id, email, name, created_at, updated_at)
		VALUES ($1, 'stranger@example.com', 'S', now(), now())`, dave.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Platform().ImportTenant(ctx, strings.NewReader(export)); err != nil {
		t.Fatalf("ImportTenant into another database: got error %v, want none", err)
	}
	u, err := dst.UserByEmail(ctx, owner.Email)
	if err != nil || u.ID != owner.ID || u.PasswordHash != "" {
		t.Errorf("new user: got %+v, %v; want id %s and no password", u, err, owner.ID)
	}
	ts := dst.Tenant(a.ID)
	if d, err := dst.UserByEmail(ctx, dave.Email); err != nil || d.ID == dave.ID {
		t.Errorf("user whose id is taken: got %+v, %v; want a fresh id", d, err)
	} else if _, err := ts.Member(ctx, d.ID); err != nil {
		t.Errorf("membership of the user whose id is taken: got %v, want none", err)
	}
	if m, err := ts.Member(ctx, owner.ID); err != nil || m.Role != tenantry.RoleOwner {
		t.Errorf("new user's membership: got %+v, %v; want owner", m, err)
	}
	if _, err := ts.Member(ctx, carol.ID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
		t.Errorf("member with the exported id of a reused user: got %v, want not_found", err)
	}
	if m, err := ts.Member(ctx, local.ID); err != nil || m.Name != "Carol Local" {
		t.Errorf("reused user's membership: got %+v, %v; want the local carol", m, err)
	}
	tasks, _, err := pj(ts).Tasks(ctx, tenantry.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	assigned := 0
	for _, tk := range tasks {
		if tk.AssignedToID != nil {
			assigned++
			if *tk.AssignedToID != local.ID {
				t.Errorf("task %s: got assignee %s, want the local carol %s", tk.ID, *tk.AssignedToID, local.ID)
			}
		}
	}
	if assigned != 1 {
		t.Errorf("assigned tasks: got %d, want 1", assigned)
	}
	ms, _, err := ts.Members(ctx, tenantry.Page{})
	if err != nil || len(ms) != 5 {
		t.Fatalf("Members: got %d, %v; want 5", len(ms), err)
	}
	srcMs, _, _ := src.Tenant(a.ID).Members(ctx, tenantry.Page{})
	for i := range ms {
		if ms[i].Email != srcMs[i].Email {
			t.Errorf("member %d: got %s, want %s (join order kept)", i, ms[i].Email, srcMs[i].Email)
		}
	}
}

func testImportMalformed(t *testing.T, db *postgres.DB) {
	ctx := context.Background()
	tid, uid, pid := tenantry.NewID(), tenantry.NewID(), tenantry.NewID()
	tenant := `{"type":"tenant","data":{"id":"` + tid + `","name":"A","slug":"aa","plan":"free","status":"active","settings":{}}}`
	user := `{"type":"user","data":{"id":"` + uid + `","email":"new@example.com","name":"New"}}`
	member := `{"type":"member","data":{"user_id":"` + uid + `","role":"owner","created_at":"2026-01-02T03:04:05Z"}}`
	// A project record as exports wrote them before projects were an
	// extension: imports still read them.
	project := `{"type":"project","data":{"id":"` + pid + `","tenant_id":"` + tid + `","name":"P","description":"","is_active":true,"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}}`
	lines := func(ls ...string) string { return strings.Join(ls, "\n") + "\n" }
	tests := []struct {
		name, input, code, line string
	}{
		{"empty", "", tenantry.EBADREQUEST, ""},
		{"blank lines", "\n \n", tenantry.EBADREQUEST, ""},
		{"not json", "hello", tenantry.EBADREQUEST, "line 1"},
		{"no tenant first", lines(project), tenantry.EBADREQUEST, "line 1"},
		{"unknown type", lines(tenant, `{"type":"secret","data":{}}`), tenantry.EBADREQUEST, "line 2"},
		{"out of order", lines(tenant, project, user), tenantry.EBADREQUEST, "line 3"},
		{"two tenants", lines(tenant, tenant), tenantry.EBADREQUEST, "line 2"},
		{"bad data", lines(tenant, `{"type":"project","data":[1]}`), tenantry.EBADREQUEST, "line 2"},
		{"no data", lines(tenant, `{"type":"project"}`), tenantry.EBADREQUEST, "line 2"},
		{"bad id", lines(tenant, `{"type":"project","data":{"id":"x'; DROP TABLE projects; --","name":"P"}}`), tenantry.EBADREQUEST, "line 2"},
		{"member without user", lines(tenant, member), tenantry.EBADREQUEST, "line 2"},
		{"task of no project", lines(tenant, user, member, `{"type":"task","data":{"id":"`+tenantry.NewID()+`","project_id":"`+tenantry.NewID()+`","title":"T"}}`),
			tenantry.EBADREQUEST, "line 4"},
		{"task of unknown assignee", lines(tenant, project, `{"type":"task","data":{"id":"`+tenantry.NewID()+`","project_id":"`+pid+`","title":"T","assigned_to_id":"`+tenantry.NewID()+`"}}`),
			tenantry.EBADREQUEST, "line 3"},
		{"duplicate project", lines(tenant, user, member, project, project), tenantry.EBADREQUEST, "line 5"},
		{"bad invitation role", lines(tenant, `{"type":"invitation","data":{"id":"`+tenantry.NewID()+`","email":"x@example.com","role":"god","token_hash":"t"}}`),
			tenantry.EBADREQUEST, "line 2"},
		{"NUL in text", lines(tenant, `{"type":"project","data":{"id":"`+tenantry.NewID()+`","name":"a\u0000b"}}`), tenantry.EBADREQUEST, "line 2"},
		{"message of no session", lines(tenant, `{"type":"chat_message","data":{"id":"`+tenantry.NewID()+`","session_id":"`+tenantry.NewID()+`","role":"user","content":"x"}}`),
			tenantry.EBADREQUEST, "line 2"},
		{"usage without counter", lines(tenant, `{"type":"usage","data":{"day":"2026-01-01T00:00:00Z","value":1}}`), tenantry.EBADREQUEST, "line 2"},
		{"bad tenant slug", strings.Replace(tenant, `"aa"`, `"www"`, 1), tenantry.EINVALID, ""},
		{"bad tenant status", strings.Replace(tenant, `"active"`, `"gone"`, 1), tenantry.EINVALID, ""},
		{"bad member role", lines(tenant, user, strings.Replace(member, "owner", "god", 1)), tenantry.EINVALID, ""},
		{"bad user e-mail", lines(tenant, strings.Replace(user, "new@example.com", "nope", 1)), tenantry.EINVALID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Platform().ImportTenant(ctx, strings.NewReader(tt.input))
			wantCode(t, err, tt.code)
			if msg := tenantry.ErrorMessage(err); !strings.Contains(msg, tt.line) {
				t.Errorf("message: got %q, want it to name %q", msg, tt.line)
			}
		})
	}
	// Nothing of the failed imports was kept.
	_, err := db.TenantBySlug(ctx, "aa")
	wantCode(t, err, tenantry.ETENANTNOTFOUND)
	_, err = db.TenantByID(ctx, tid)
	wantCode(t, err, tenantry.ETENANTNOTFOUND)
	_, err = db.UserByEmail(ctx, "new@example.com")
	wantCode(t, err, tenantry.ENOTFOUND)
	evs, _, err := db.Platform().AuditEvents(ctx, tenantry.AuditFilter{TenantID: tid, Action: "tenant.import"})
	if err != nil || len(evs) != 0 {
		t.Errorf("tenant.import events after failed imports: got %d (%v), want 0", len(evs), err)
	}
	// The same stream, well formed, imports.
	tn, err := db.Platform().ImportTenant(ctx, strings.NewReader(lines(tenant, user, member, project)))
	if err != nil || tn.ID != tid {
		t.Fatalf("ImportTenant(valid): got %v, %v; want tenant %s", tn, err, tid)
	}
	if m, err := db.Tenant(tid).Member(ctx, uid); err != nil || !m.CreatedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("imported member: got %+v, %v", m, err)
	}
}

func FuzzImportTenant(f *testing.F) {
	f.Add(`{"type":"tenant","data":{"id":"0190d7a0-0000-7000-8000-000000000001","name":"A","slug":"aa","plan":"free","status":"active"}}`)
	f.Add(`{"type":"tenant","data":{"id":"0190d7a0-0000-7000-8000-000000000001","name":"A","slug":"aa","plan":"free","status":"active"}}` + "\n" +
		`{"type":"project","data":{"id":"0190d7a0-0000-7000-8000-000000000002","name":"P"}}`)
	f.Add(`{"type":"user","data":{}}`)
	f.Add("")
	db, _ := open(f)
	f.Fuzz(func(t *testing.T, input string) {
		ctx := context.Background()
		tn, err := db.Platform().ImportTenant(ctx, strings.NewReader(input))
		if err == nil {
			if err := db.Platform().DeleteTenant(ctx, tn.ID); err != nil {
				t.Fatalf("DeleteTenant after import: %v", err)
			}
			return
		}
		switch tenantry.ErrorCode(err) {
		case tenantry.EBADREQUEST, tenantry.EINVALID, tenantry.ECONFLICT:
		default:
			t.Errorf("ImportTenant(%q): got %v, want bad_request, validation_failed or conflict", input, err)
		}
	})
}
