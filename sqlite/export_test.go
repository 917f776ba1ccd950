package sqlite

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestExportImportRoundTrip(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	owner := mustUser(t, db, "owner@example.com")
	bob := mustUser(t, db, "bob@example.com")
	a, h := mustTenant(t, db, "aa", "pro", owner.ID)
	if _, err := db.Platform().UpdateTenant(ctx, a.ID, tenantry.TenantUpdate{Domain: ptr("aa.example.com"),
		SettingsPatch: tenantry.Settings{"welcome": "hi", "custom": map[string]any{"k": 1}},
		LimitsPatch:   tenantry.LimitsPatch{tenantry.LimitMaxMembers: 50}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.AddMember(ctx, bob.ID, tenantry.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	fill(t, db, h, owner)
	_, hb := mustTenant(t, db, "bb", "pro", owner.ID)
	fill(t, db, hb, owner)

	var first bytes.Buffer
	if err := db.Platform().ExportTenant(ctx, a.ID, &first); err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(first.String()), "\n") {
		var rec tenantry.ExportRecord
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		types[rec.Type]++
	}
	for _, typ := range []string{tenantry.ExportTenant, tenantry.ExportUser, tenantry.ExportMember, tenantry.ExportInvitation,
		tenantry.ExportAPIKey, tenantry.ExportChatSession,
		tenantry.ExportChatMessage, tenantry.ExportUsage, tenantry.ExportAuditEvent, tenantry.ExportRow} {
		if types[typ] == 0 {
			t.Errorf("export: got no %s record", typ)
		}
	}
	if !strings.Contains(first.String(), `"hash":"hash-`+a.ID) || !strings.Contains(first.String(), `"token_hash":"inv-`+a.ID) {
		t.Errorf("export: got no key hash or invitation token hash")
	}

	_, err := db.Platform().ImportTenant(ctx, bytes.NewReader(first.Bytes()))
	wantCode(t, "ImportTenant(existing)", err, tenantry.ECONFLICT)
	if err := db.Platform().DeleteTenant(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	tn, err := db.Platform().ImportTenant(ctx, bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("ImportTenant: got error %v, want none", err)
	}
	if tn.ID != a.ID || tn.Slug != "aa" {
		t.Errorf("ImportTenant: got %+v, want tenant %s", tn, a.ID)
	}
	var second bytes.Buffer
	if err := db.Platform().ExportTenant(ctx, a.ID, &second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("export after import differs:\n got %s\nwant %s", second.String(), first.String())
	}
	// Keys keep working after the import.
	if _, err := h.APIKeyByHash(ctx, "hash-"+a.ID); err != nil {
		t.Errorf("APIKeyByHash after import: got error %v, want none", err)
	}
	if evs, _, _ := db.Platform().AuditEvents(ctx, tenantry.AuditFilter{TenantID: a.ID, Action: "tenant.import"}); len(evs) != 1 {
		t.Errorf("tenant.import events: got %d, want 1", len(evs))
	}
	_, err = db.Platform().ImportTenant(ctx, bytes.NewReader(first.Bytes()))
	wantCode(t, "ImportTenant(twice)", err, tenantry.ECONFLICT)
}

func TestImportNewUsers(t *testing.T) {
	src := openTest(t)
	ctx := t.Context()
	owner := mustUser(t, src, "owner@example.com")
	a, h := mustTenant(t, src, "aa", "pro", owner.ID)
	fill(t, src, h, owner)
	var buf bytes.Buffer
	if err := src.Platform().ExportTenant(ctx, a.ID, &buf); err != nil {
		t.Fatal(err)
	}
	dst := openTest(t)
	if _, err := dst.Platform().ImportTenant(ctx, &buf); err != nil {
		t.Fatalf("ImportTenant into an empty store: got error %v, want none", err)
	}
	u, err := dst.UserByEmail(ctx, "owner@example.com")
	if err != nil || u.ID != owner.ID || u.PasswordHash != "" {
		t.Errorf("imported user: got %+v, %v, want id %s and no password", u, err, owner.ID)
	}
	m, err := dst.Tenant(a.ID).Member(ctx, owner.ID)
	if err != nil || m.Role != tenantry.RoleOwner {
		t.Errorf("imported member: got %v, %v", m, err)
	}
}

func TestImportMalformed(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	tenant := `{"type":"tenant","data":{"id":"` + tenantry.NewID() + `","name":"A","slug":"aa","plan":"free","status":"active","settings":{}}}`
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"empty", "", tenantry.EBADREQUEST},
		{"not json", "hello", tenantry.EBADREQUEST},
		{"no tenant first", `{"type":"project","data":{}}`, tenantry.EBADREQUEST},
		{"unknown type", tenant + "\n" + `{"type":"secret","data":{}}`, tenantry.EBADREQUEST},
		{"out of order", tenant + "\n" + `{"type":"project","data":{"id":"` + tenantry.NewID() + `","name":"P"}}` + "\n" + `{"type":"user","data":{}}`, tenantry.EBADREQUEST},
		{"two tenants", tenant + "\n" + tenant, tenantry.EBADREQUEST},
		{"task of no project", tenant + "\n" + `{"type":"task","data":{"id":"` + tenantry.NewID() + `","project_id":"` + tenantry.NewID() + `","title":"T"}}`, tenantry.EBADREQUEST},
		{"member without user", tenant + "\n" + `{"type":"member","data":{"user_id":"` + tenantry.NewID() + `","role":"owner"}}`, tenantry.EBADREQUEST},
		{"bad data", tenant + "\n" + `{"type":"project","data":[1]}`, tenantry.EBADREQUEST},
		{"bad tenant slug", strings.Replace(tenant, `"aa"`, `"www"`, 1), tenantry.EINVALID},
	}
	for _, tt := range tests {
		_, err := db.Platform().ImportTenant(ctx, strings.NewReader(tt.input))
		wantCode(t, tt.name, err, tt.want)
	}
	if _, err := db.TenantBySlug(ctx, "aa"); tenantry.ErrorCode(err) != tenantry.ETENANTNOTFOUND {
		t.Errorf("after failed imports: got tenant aa (%v), want none", err)
	}
	err := db.Platform().ExportTenant(ctx, tenantry.NewID(), &bytes.Buffer{})
	wantCode(t, "ExportTenant(unknown)", err, tenantry.ETENANTNOTFOUND)
}

func FuzzImportTenant(f *testing.F) {
	f.Add(`{"type":"tenant","data":{"id":"0190d7a0-0000-7000-8000-000000000001","name":"A","slug":"aa","plan":"free","status":"active"}}`)
	f.Add(`{"type":"user","data":{}}`)
	f.Add("")
	db := openTest(f)
	f.Fuzz(func(t *testing.T, input string) {
		tn, err := db.Platform().ImportTenant(t.Context(), strings.NewReader(input))
		if err == nil {
			if err := db.Platform().DeleteTenant(t.Context(), tn.ID); err != nil {
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
