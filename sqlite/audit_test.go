package sqlite

import (
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
)

// allEvents reads every page of an audit list with page size limit.
func allEvents(t *testing.T, list func(f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error), f tenantry.AuditFilter, limit int) []*tenantry.AuditEvent {
	t.Helper()
	var out []*tenantry.AuditEvent
	f.Limit = limit
	for range 1000 {
		evs, next, err := list(f)
		if err != nil {
			t.Fatalf("audit list: got error %v, want none", err)
		}
		if len(evs) > limit {
			t.Errorf("audit list: got a page of %d, want at most %d", len(evs), limit)
		}
		out = append(out, evs...)
		if next == "" {
			return out
		}
		f.Cursor = next
	}
	t.Fatal("audit list: too many pages")
	return nil
}

func TestTenantAuditEvents(t *testing.T) {
	db := openTest(t)
	u := mustUser(t, db, "a@example.com")
	ctx := tenantry.NewContextWithRequestID(tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{APIKeyID: "key-1"}), "req-1")
	_, h := mustTenant(t, db, "acme", "pro", u.ID)
	_, other := mustTenant(t, db, "other", "pro", "")
	for i := range 5 {
		if _, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pj(other).CreateProject(ctx, tenantry.ProjectCreate{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	list := func(f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error) { return h.AuditEvents(ctx, f) }
	for _, limit := range []int{1, 2, 50} {
		evs := allEvents(t, list, tenantry.AuditFilter{}, limit)
		if len(evs) != 6 { // member.add of the owner and 5 project.create
			t.Errorf("limit %d: got %d events, want 6", limit, len(evs))
		}
		for i, ev := range evs {
			if ev.TenantID != h.ID() {
				t.Errorf("event %s: got tenant %s, want %s", ev.ID, ev.TenantID, h.ID())
			}
			if i > 0 && ev.ID >= evs[i-1].ID {
				t.Errorf("events not newest first at %d", i)
			}
		}
		if evs[0].Action != "project.create" || evs[0].Actor != (tenantry.AuditActor{Type: tenantry.ActorAPIKey, ID: "key-1"}) ||
			evs[0].RequestID != "req-1" || string(evs[0].Data) != `{"name":"4"}` || evs[0].At.IsZero() {
			t.Errorf("newest event: got %+v", evs[0])
		}
	}
	evs := allEvents(t, list, tenantry.AuditFilter{Action: "member.add", TenantID: other.ID()}, 10)
	if len(evs) != 1 || evs[0].TargetID != u.ID {
		t.Errorf("member.add (TenantID ignored): got %d events, want 1 on %s", len(evs), u.ID)
	}
	_, _, err := h.AuditEvents(ctx, tenantry.AuditFilter{Page: tenantry.Page{Cursor: "bad"}})
	wantCode(t, "AuditEvents(bad cursor)", err, tenantry.EBADREQUEST)
}

func TestPlatformAuditEvents(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	pl := db.Platform()
	a, ha := mustTenant(t, db, "aa", "pro", "")
	b, _ := mustTenant(t, db, "bb", "pro", "")
	if _, err := pj(ha).CreateProject(ctx, tenantry.ProjectCreate{Name: "P"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pl.SetTenantStatus(ctx, a.ID, tenantry.TenantSuspended); err != nil {
		t.Fatal(err)
	}
	list := func(f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error) { return pl.AuditEvents(ctx, f) }
	tests := []struct {
		name string
		f    tenantry.AuditFilter
		want string
	}{
		{"all", tenantry.AuditFilter{}, "[tenant.suspend project.create tenant.create tenant.create]"},
		{"tenant a", tenantry.AuditFilter{TenantID: a.ID}, "[tenant.suspend project.create tenant.create]"},
		{"tenant b", tenantry.AuditFilter{TenantID: b.ID}, "[tenant.create]"},
		{"action", tenantry.AuditFilter{Action: "tenant.create"}, "[tenant.create tenant.create]"},
		{"unknown tenant", tenantry.AuditFilter{TenantID: tenantry.NewID()}, "[]"},
	}
	for _, tt := range tests {
		for _, limit := range []int{1, 3, 50} {
			var got []string
			for _, ev := range allEvents(t, list, tt.f, limit) {
				got = append(got, ev.Action)
				if tt.f.TenantID != "" && ev.TenantID != tt.f.TenantID {
					t.Errorf("%s: got an event of tenant %s", tt.name, ev.TenantID)
				}
			}
			if fmt.Sprint(got) != tt.want {
				t.Errorf("%s (limit %d): got %v, want %s", tt.name, limit, got, tt.want)
			}
		}
	}
}
