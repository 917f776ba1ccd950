package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// fillTenant gives a tenant one row of every kind and returns its handle.
func fillTenant(t *testing.T, s tenantry.Store, slug string, owner *tenantry.User) (*tenantry.Tenant, tenantry.TenantStore) {
	ctx := t.Context()
	tn, h := newTenant(t, ctx, s, slug, "pro", owner.ID)
	p := newProject(t, ctx, h, "Shared name")
	newTask(t, ctx, h, p.ID, "Task", &owner.ID)
	fatalIf(t, "CreateInvitation", h.CreateInvitation(ctx, &tenantry.Invitation{Email: "guest@example.com", Role: tenantry.RoleMember, TokenHash: slug + "-inv"}))
	expires := time.Date(2031, 2, 3, 4, 5, 6, 789000, time.UTC)
	fatalIf(t, "CreateAPIKey", h.CreateAPIKey(ctx, &tenantry.APIKey{Name: "k", Role: tenantry.RoleMember, Prefix: "tnt_", Hash: slug + "-key",
		CreatedBy: owner.ID, ExpiresAt: &expires}))
	sess := &tenantry.ChatSession{UserID: owner.ID}
	fatalIf(t, "CreateChatSession", h.CreateChatSession(ctx, sess))
	fatalIf(t, "AppendChatMessages", h.AppendChatMessages(ctx, sess.ID, &tenantry.ChatMessage{Role: tenantry.ChatRoleUser, Content: "hi"}))
	fatalIf(t, "AddUsage", h.AddUsage(ctx, tenantry.CounterRequests, 7))
	_, err := h.UpdateSettings(ctx, tenantry.Settings{"welcome": "Hello " + slug})
	fatalIf(t, "UpdateSettings", err)
	_, err = s.Platform().UpdateTenant(ctx, tn.ID, tenantry.TenantUpdate{LimitsPatch: tenantry.LimitsPatch{tenantry.LimitMaxProjects: 42, tenantry.LimitChatPer10s: -1}})
	fatalIf(t, "UpdateTenant(limits)", err)
	return tn, h
}

// snapshot describes every row a handle can list.
func snapshot(t *testing.T, h tenantry.TenantStore) string {
	ctx := t.Context()
	var b strings.Builder
	ps, err := allPages(ctx, 200, func(ctx2 context.Context, p tenantry.Page) ([]*tenantry.Project, string, error) {
		return pj(h).Projects(ctx2, tenantry.ProjectFilter{Page: p})
	})
	fatalIf(t, "Projects", err)
	for _, p := range ps {
		b.WriteString(p.ID + " " + p.Name + " " + p.TenantID + "\n")
	}
	ts, err := allPages(ctx, 200, func(ctx2 context.Context, p tenantry.Page) ([]*tenantry.Task, string, error) {
		return pj(h).Tasks(ctx2, tenantry.TaskFilter{Page: p})
	})
	fatalIf(t, "Tasks", err)
	for _, x := range ts {
		b.WriteString(x.ID + " " + x.Title + " " + x.ProjectID + " " + deref(x.AssignedToID) + "\n")
	}
	ms, err := allPages(ctx, 200, h.Members)
	fatalIf(t, "Members", err)
	for _, m := range ms {
		b.WriteString(m.UserID + " " + string(m.Role) + "\n")
	}
	is, err := allPages(ctx, 200, h.Invitations)
	fatalIf(t, "Invitations", err)
	for _, i := range is {
		b.WriteString(i.ID + " " + i.Email + "\n")
	}
	ks, err := allPages(ctx, 200, h.APIKeys)
	fatalIf(t, "APIKeys", err)
	for _, k := range ks {
		b.WriteString(k.ID + " " + k.Name + " " + k.CreatedBy + " " + jsonOf(k.ExpiresAt) + "\n")
	}
	u, err := usage(ctx, h)
	fatalIf(t, "Usage", err)
	b.WriteString(jsonOf(u))
	return b.String()
}

func testDeleteTenant(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "owner@example.com")
	tn, h := fillTenant(t, s, "doomed", owner)
	_, keep := fillTenant(t, s, "kept", owner)
	keepBefore := snapshot(t, keep)
	fatalIf(t, "DeleteTenant", s.Platform().DeleteTenant(ctx, tn.ID))
	wantPlatformAudit(t, ctx, s, "", "tenant.delete", tn.ID)
	_, err := s.TenantByID(ctx, tn.ID)
	wantCode(t, "TenantByID after delete", err, tenantry.ETENANTNOTFOUND)
	_, err = s.TenantBySlug(ctx, "doomed")
	wantCode(t, "TenantBySlug after delete", err, tenantry.ETENANTNOTFOUND)
	_, err = s.Platform().TenantUsage(ctx, tn.ID)
	wantCode(t, "TenantUsage after delete", err, tenantry.ETENANTNOTFOUND)
	_, err = h.Tenant(ctx)
	wantCode(t, "handle Tenant after delete", err, tenantry.ETENANTNOTFOUND)
	wantCode(t, "DeleteTenant twice", s.Platform().DeleteTenant(ctx, tn.ID), tenantry.ETENANTNOTFOUND)
	_, err = h.APIKeyByHash(ctx, "doomed-key")
	anyCode(t, "APIKeyByHash after delete", err, tenantry.EUNAUTHENTICATED, tenantry.ETENANTNOTFOUND)
	lists := []struct {
		name string
		n    func() (int, error)
	}{
		{"Projects", func() (int, error) { r, _, err := pj(h).Projects(ctx, tenantry.ProjectFilter{}); return len(r), err }},
		{"Tasks", func() (int, error) { r, _, err := pj(h).Tasks(ctx, tenantry.TaskFilter{}); return len(r), err }},
		{"Members", func() (int, error) { r, _, err := h.Members(ctx, tenantry.Page{}); return len(r), err }},
		{"Invitations", func() (int, error) { r, _, err := h.Invitations(ctx, tenantry.Page{}); return len(r), err }},
		{"APIKeys", func() (int, error) { r, _, err := h.APIKeys(ctx, tenantry.Page{}); return len(r), err }},
		{"AuditEvents", func() (int, error) { r, _, err := h.AuditEvents(ctx, tenantry.AuditFilter{}); return len(r), err }},
	}
	for _, l := range lists {
		n, err := l.n()
		if n != 0 || err != nil && !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
			t.Errorf("%s after DeleteTenant: got %d rows, error %v; want none", l.name, n, err)
		}
	}
	ms, err := s.UserMemberships(ctx, owner.ID)
	fatalIf(t, "UserMemberships", err)
	for _, m := range ms {
		if m.Tenant.ID == tn.ID {
			t.Errorf("UserMemberships after DeleteTenant: got the deleted tenant")
		}
	}
	if got := snapshot(t, keep); got != keepBefore {
		t.Errorf("other tenant after DeleteTenant: got\n%s\nwant\n%s", got, keepBefore)
	}
	// The slug is free again and the new tenant starts empty.
	_, h2 := newTenant(t, ctx, s, "doomed", "pro", "")
	if u, err := usage(ctx, h2); err != nil || !reflect.DeepEqual(u, tenantry.Usage{}) {
		t.Errorf("Usage of a new tenant on a deleted slug: got %+v, %v; want zero", u, err)
	}
}

func testExportImport(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "owner@example.com")
	tn, h := fillTenant(t, s, "moving", owner)
	_, other := fillTenant(t, s, "staying", owner)
	visitor := &tenantry.ChatSession{Visitor: true}
	fatalIf(t, "CreateChatSession(visitor)", h.CreateChatSession(ctx, visitor))
	before := snapshot(t, h)
	otherBefore := snapshot(t, other)
	var buf bytes.Buffer
	fatalIf(t, "ExportTenant", s.Platform().ExportTenant(ctx, tn.ID, &buf))
	export := buf.String()

	order := []string{tenantry.ExportTenant, tenantry.ExportUser, tenantry.ExportMember, tenantry.ExportInvitation, tenantry.ExportAPIKey,
		tenantry.ExportChatSession, tenantry.ExportChatMessage, tenantry.ExportUsage, tenantry.ExportAuditEvent, tenantry.ExportRow}
	rank := map[string]int{}
	for i, o := range order {
		rank[o] = i
	}
	last := 0
	seen := map[string]int{}
	for i, line := range strings.Split(strings.TrimSpace(export), "\n") {
		var rec tenantry.ExportRecord
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("export line %d: %v", i, err)
		}
		r, ok := rank[rec.Type]
		if !ok || r < last || (i == 0) != (rec.Type == tenantry.ExportTenant) {
			t.Errorf("export line %d: got type %q after rank %d, want the documented order", i, rec.Type, last)
		}
		last = r
		seen[rec.Type]++
		data := rec.Data
		if rec.Type == tenantry.ExportRow {
			var er tenantry.ExportedRow
			_ = json.Unmarshal(rec.Data, &er)
			seen["row of "+er.Table]++
			data = er.Row
		}
		var row map[string]any
		_ = json.Unmarshal(data, &row)
		if tid, ok := row["tenant_id"]; ok && tid != tn.ID {
			t.Errorf("export line %d (%s): got tenant_id %v, want %s", i, rec.Type, tid, tn.ID)
		}
	}
	for _, typ := range append(order, "row of projects", "row of tasks") {
		if seen[typ] == 0 && typ != tenantry.ExportUser {
			t.Errorf("export: got no %s record, want at least one", typ)
		}
	}
	if strings.Contains(export, other.ID()) {
		t.Errorf("export of %s: got the other tenant's id %s in it", tn.ID, other.ID())
	}

	_, err := s.Platform().ImportTenant(ctx, strings.NewReader(export))
	wantCode(t, "ImportTenant(existing)", err, tenantry.ECONFLICT)
	_, err = s.Platform().ImportTenant(ctx, strings.NewReader("not json\n"))
	wantCode(t, "ImportTenant(malformed)", err, tenantry.EBADREQUEST)

	fatalIf(t, "DeleteTenant", s.Platform().DeleteTenant(ctx, tn.ID))
	got, err := s.Platform().ImportTenant(ctx, strings.NewReader(export))
	fatalIf(t, "ImportTenant", err)
	want := *tn
	want.Settings = tenantry.Settings{"welcome": "Hello moving"}
	want.Limits = tenantry.Limits{tenantry.LimitMaxProjects: 42, tenantry.LimitChatPer10s: -1}
	if d := sameTenant(got, &want); d != "" {
		t.Errorf("ImportTenant: %s", d)
	}
	if after := snapshot(t, h); after != before {
		t.Errorf("after export, delete, import: got\n%s\nwant\n%s", after, before)
	}
	if got := snapshot(t, other); got != otherBefore {
		t.Errorf("other tenant after the round trip: got\n%s\nwant\n%s", got, otherBefore)
	}
	if k, err := h.APIKeyByHash(ctx, "moving-key"); err != nil || k.TenantID != tn.ID || k.ExpiresAt == nil ||
		!k.ExpiresAt.Equal(time.Date(2031, 2, 3, 4, 5, 6, 789000, time.UTC)) {
		t.Errorf("APIKeyByHash after import: got %+v, %v; want the key with its expiry", k, err)
	}
	if v, err := h.ChatSession(ctx, visitor.ID); err != nil || !v.Visitor {
		t.Errorf("visitor session after import: got %+v, %v; want it still a visitor's", v, err)
	}
	wantPlatformAudit(t, ctx, s, tn.ID, "tenant.import", tn.ID)
}

// heldWriter holds its first Write until release is closed, after closing
// held: an export blocked on a slow client.
type heldWriter struct {
	buf           bytes.Buffer
	held, release chan struct{}
	once          bool
}

func (w *heldWriter) Write(p []byte) (int, error) {
	if !w.once {
		w.once = true
		close(w.held)
		<-w.release
	}
	return w.buf.Write(p)
}

// testExportSnapshot: an export is one copy of the tenant at one moment,
// though it is written as it is read. A project created while the export
// is held by its client, after its first records are out and before it
// reads the extensions' rows (the last records), is not in it.
func testExportSnapshot(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "frozen@example.com")
	tn, h := fillTenant(t, s, "frozen", owner)
	for i := range 30 { // audit records enough to fill the export's buffer before the rows
		_, err := h.UpdateSettings(ctx, tenantry.Settings{"welcome": strings.Repeat("w", 40) + string(rune('a'+i%26))})
		fatalIf(t, "UpdateSettings", err)
	}
	w := &heldWriter{held: make(chan struct{}), release: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- s.Platform().ExportTenant(ctx, tn.ID, w) }()
	select {
	case <-w.held:
	case err := <-done:
		t.Fatalf("ExportTenant: got %v before its first write, want it held on a full buffer", err)
	case <-time.After(10 * time.Second):
		t.Fatal("ExportTenant: no write within 10s")
	}
	newProject(t, ctx, h, "Created during the export")
	close(w.release)
	fatalIf(t, "ExportTenant", <-done)
	export := w.buf.String()
	if !strings.Contains(export, "Shared name") {
		t.Fatalf("export: got no row of the project made before it:\n%s", export)
	}
	if strings.Contains(export, "Created during the export") {
		t.Errorf("export: got the project created after it began, want one snapshot")
	}
}
