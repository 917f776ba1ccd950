package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// allEvents reads a tenant's whole outbox, in pages of limit.
func allEvents(ctx context.Context, h tenantry.EventStore, limit int) ([]*tenantry.Event, error) {
	var out []*tenantry.Event
	var after int64
	for {
		evs, err := h.Events(ctx, after, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
		if len(evs) < limit {
			return out, nil
		}
		after = evs[len(evs)-1].Seq
	}
}

// gapFree reports the first problem with evs: a seq that is not the one
// after the previous (from first), or an event of another tenant.
func gapFree(evs []*tenantry.Event, tenantID string, first int64) error {
	for i, ev := range evs {
		if ev.Seq != first+int64(i) {
			return fmt.Errorf("event %d has seq %d, want %d", i, ev.Seq, first+int64(i))
		}
		if ev.TenantID != tenantID {
			return fmt.Errorf("event %d (seq %d) is of tenant %s", i, ev.Seq, ev.TenantID)
		}
	}
	return nil
}

func testEvents(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "events-owner@example.com")
	mate := newUser(t, ctx, s, "events-mate@example.com")
	tn, h := fillTenant(t, s, "events", owner)
	otn, other := newTenant(t, ctx, s, "events-other", "pro", owner.ID)
	newProject(t, ctx, other, "Elsewhere")

	// Changes of every kind, Tenantry's and a builder's (Tx.Audit).
	p := newProject(t, ctx, h, "Evented")
	_, err := pj(h).UpdateProject(ctx, p.ID, tenantry.ProjectUpdate{IsActive: ptr(false)})
	fatalIf(t, "UpdateProject", err)
	task := newTask(t, ctx, h, p.ID, "Evented task", nil)
	_, err = pj(h).UpdateTask(ctx, task.ID, tenantry.TaskUpdate{Completed: ptr(true)})
	fatalIf(t, "UpdateTask", err)
	fatalIf(t, "DeleteTask", pj(h).DeleteTask(ctx, task.ID))
	_, err = h.AddMember(ctx, mate.ID, tenantry.RoleMember)
	fatalIf(t, "AddMember", err)
	_, err = h.UpdateMember(ctx, mate.ID, tenantry.RoleAdmin)
	fatalIf(t, "UpdateMember", err)
	fatalIf(t, "RemoveMember", h.RemoveMember(ctx, mate.ID))
	inv := &tenantry.Invitation{Email: "later@example.com", Role: tenantry.RoleMember, TokenHash: "events-inv-2"}
	fatalIf(t, "CreateInvitation", h.CreateInvitation(ctx, inv))
	fatalIf(t, "RevokeInvitation", h.RevokeInvitation(ctx, inv.ID))
	key := &tenantry.APIKey{Name: "ev", Role: tenantry.RoleMember, Prefix: "tnt_ev", Hash: "events-key-2", CreatedBy: owner.ID}
	fatalIf(t, "CreateAPIKey", h.CreateAPIKey(ctx, key))
	fatalIf(t, "RevokeAPIKey", h.RevokeAPIKey(ctx, key.ID))
	fatalIf(t, "DeleteProject", pj(h).DeleteProject(ctx, p.ID))
	fatalIf(t, "Write(Audit)", h.Write(ctx, func(tx tenantry.Tx) error {
		return tx.Audit(ctx, "note.create", "note", "n-1", map[string]string{"title": "hi"})
	}))
	// A rolled-back change writes no event and leaves no gap.
	boom := errors.New("boom")
	if err := h.Write(ctx, func(tx tenantry.Tx) error {
		if err := tx.Audit(ctx, "note.create", "note", "n-2", nil); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Write rolled back: got %v, want boom", err)
	}
	_, err = s.Platform().SetTenantStatus(ctx, tn.ID, tenantry.TenantSuspended)
	fatalIf(t, "suspend", err)
	_, err = s.Platform().SetTenantStatus(ctx, tn.ID, tenantry.TenantActive)
	fatalIf(t, "activate", err)

	evs, err := allEvents(ctx, h, 7)
	fatalIf(t, "Events", err)
	if err := gapFree(evs, tn.ID, 1); err != nil {
		t.Fatalf("Events: %v", err)
	}
	// Every tenant audit event has its event, with the same id, the type
	// in the past tense and the same actor and target.
	audit, err := allAudit(ctx, h.AuditEvents, tenantry.AuditFilter{})
	fatalIf(t, "AuditEvents", err)
	byID := map[string]*tenantry.Event{}
	for _, ev := range evs {
		byID[ev.ID] = ev
	}
	for _, a := range audit {
		ev := byID[a.ID]
		if ev == nil {
			t.Errorf("audit event %s %s has no tenant event", a.Action, a.ID)
			continue
		}
		if ev.Type != tenantry.EventType(a.Action) || ev.TargetType != a.TargetType || ev.TargetID != a.TargetID ||
			ev.Actor != a.Actor || !ev.At.Equal(a.At) {
			t.Errorf("event of audit %s: got %+v, want type %s, target %s %s, actor %+v, at %v",
				a.Action, ev, tenantry.EventType(a.Action), a.TargetType, a.TargetID, a.Actor, a.At)
		}
	}
	var types []string
	for _, ev := range evs {
		types = append(types, ev.Type)
	}
	for _, want := range []string{"member.added", "project.created", "task.created", "invitation.created", "api_key.created",
		"settings.updated", "tenant.updated", "project.updated", "task.updated", "task.deleted", "member.updated",
		"member.removed", "invitation.revoked", "api_key.revoked", "project.deleted", "note.created",
		"tenant.suspended", "tenant.activated"} {
		if !strings.Contains(" "+strings.Join(types, " ")+" ", " "+want+" ") {
			t.Errorf("events: no %s in %v", want, types)
		}
	}
	if n := strings.Count(strings.Join(types, " "), "note.created"); n != 1 {
		t.Errorf("events: %d note.created, want 1 (the rolled-back one has none)", n)
	}
	last := evs[len(evs)-1]
	if last.Type != "tenant.activated" || last.Actor.Type == "" {
		t.Errorf("last event: got %+v, want tenant.activated", last)
	}
	for _, ev := range evs {
		if ev.Type == "tenant.updated" && strings.Contains(string(ev.Data), "42") {
			t.Errorf("tenant.updated event: data %s carries the limit's value, want only the changed fields' names", ev.Data)
		}
		if ev.Type == "note.created" && string(bytes.ReplaceAll(ev.Data, []byte(" "), nil)) != `{"title":"hi"}` {
			t.Errorf("note.created event: data %s, want the audit data", ev.Data)
		}
	}

	// The other tenant's outbox is its own, with its own sequence.
	oevs, err := allEvents(ctx, other, 100)
	fatalIf(t, "other Events", err)
	if err := gapFree(oevs, otn.ID, 1); err != nil || len(oevs) == 0 || oevs[len(oevs)-1].Type != "project.created" {
		t.Errorf("other tenant's events: %v, %d events (last %+v), want its own, ending with project.created", err, len(oevs), first(oevs[len(oevs)-1:]))
	}

	// After n: exactly the rest.
	rest, err := h.Events(ctx, 5, 1000)
	fatalIf(t, "Events(after 5)", err)
	if err := gapFree(rest, tn.ID, 6); err != nil || len(rest) != len(evs)-5 {
		t.Errorf("Events(after 5): %v, %d events, want %d", err, len(rest), len(evs)-5)
	}
	none, err := h.Events(ctx, last.Seq, 10)
	fatalIf(t, "Events(after last)", err)
	if len(none) != 0 {
		t.Errorf("Events(after last): got %d events, want 0", len(none))
	}

	if n, err := h.LatestEventSeq(ctx); err != nil || n != last.Seq {
		t.Errorf("LatestEventSeq: got %d, %v, want %d", n, err, last.Seq)
	}
	fresh, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Fresh", Slug: "events-fresh", Plan: "free"})
	fatalIf(t, "CreateTenant(fresh)", err)
	if n, err := s.Tenant(fresh.ID).LatestEventSeq(ctx); err != nil || n != 0 {
		t.Errorf("LatestEventSeq of a tenant with no event: got %d, %v, want 0", n, err)
	}

	// The platform reads any one tenant's outbox.
	pevs, err := s.Platform().Events(ctx, tenantry.EventFilter{TenantID: tn.ID, After: last.Seq - 2})
	fatalIf(t, "Platform.Events", err)
	if len(pevs) != 2 || pevs[1].Seq != last.Seq {
		t.Errorf("Platform.Events(after %d): got %d events, want the last 2", last.Seq-2, len(pevs))
	}
	_, err = s.Platform().Events(ctx, tenantry.EventFilter{TenantID: tenantry.NewID()})
	wantCode(t, "Platform.Events(unknown tenant)", err, tenantry.ETENANTNOTFOUND)
	_, err = s.Platform().Events(ctx, tenantry.EventFilter{TenantID: "not-a-uuid"})
	wantCode(t, "Platform.Events(bad id)", err, tenantry.ETENANTNOTFOUND)
	_, err = s.Tenant("").Events(ctx, 0, 10)
	wantCode(t, "Tenant(\"\").Events", err, tenantry.ETENANTREQUIRED)

	// Pruning removes old events of every tenant; seq goes on.
	n, err := s.Platform().PruneEvents(ctx, time.Now().Add(-time.Hour))
	fatalIf(t, "PruneEvents(an hour ago)", err)
	if n != 0 {
		t.Errorf("PruneEvents(an hour ago): pruned %d, want 0", n)
	}
	n, err = s.Platform().PruneEvents(ctx, time.Now().Add(time.Second))
	fatalIf(t, "PruneEvents(now)", err)
	if want := int64(len(evs) + len(oevs)); n < want {
		t.Errorf("PruneEvents(now): pruned %d, want at least %d", n, want)
	}
	if n, err := h.LatestEventSeq(ctx); err != nil || n != last.Seq {
		t.Errorf("LatestEventSeq after prune: got %d, %v, want %d", n, err, last.Seq)
	}
	newProject(t, ctx, h, "After prune")
	after, err := h.Events(ctx, 0, 10)
	fatalIf(t, "Events after prune", err)
	if len(after) != 1 || after[0].Seq != last.Seq+1 || after[0].Type != "project.created" {
		t.Errorf("after prune: got %d events (first %+v), want one project.created with seq %d", len(after), first(after), last.Seq+1)
	}

	// Export carries no event; an import starts the outbox with itself.
	var buf bytes.Buffer
	fatalIf(t, "ExportTenant", s.Platform().ExportTenant(ctx, tn.ID, &buf))
	if strings.Contains(buf.String(), `"seq"`) {
		t.Errorf("export holds outbox events:\n%s", buf.String())
	}
	fatalIf(t, "DeleteTenant", s.Platform().DeleteTenant(ctx, tn.ID))
	_, err = s.Platform().Events(ctx, tenantry.EventFilter{TenantID: tn.ID})
	wantCode(t, "Platform.Events(deleted tenant)", err, tenantry.ETENANTNOTFOUND)
	gone, err := h.Events(ctx, 0, 10)
	if err == nil && len(gone) != 0 {
		t.Errorf("Events of a deleted tenant: got %d events, want none", len(gone))
	}
	imp, err := s.Platform().ImportTenant(ctx, &buf)
	fatalIf(t, "ImportTenant", err)
	ievs, err := s.Tenant(imp.ID).Events(ctx, 0, 100)
	fatalIf(t, "Events after import", err)
	if len(ievs) != 1 || ievs[0].Seq != 1 || ievs[0].Type != "tenant.imported" {
		t.Errorf("events after import: got %d (first %+v), want only tenant.imported with seq 1", len(ievs), first(ievs))
	}
}

// first returns evs[0], or nil.
func first(evs []*tenantry.Event) *tenantry.Event {
	if len(evs) == 0 {
		return nil
	}
	return evs[0]
}

// testEventsConcurrent writes a tenant's events from many goroutines at
// once, Tenantry's changes and Tx.Audit mixed: the sequence stays
// gap-free and every committed change has exactly one event.
func testEventsConcurrent(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	owner := newUser(t, ctx, s, "events-conc@example.com")
	tn, h := newTenant(t, ctx, s, "events-conc", "pro", owner.ID)
	p := newProject(t, ctx, h, "Busy")
	before, err := allEvents(ctx, h, 1000)
	fatalIf(t, "Events before", err)
	const writers, each = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var err error
				if (w+i)%2 == 0 {
					_, err = pj(h).UpdateProject(ctx, p.ID, tenantry.ProjectUpdate{Description: ptr(fmt.Sprintf("%d-%d", w, i))})
				} else {
					err = h.Write(ctx, func(tx tenantry.Tx) error {
						return tx.Audit(ctx, "note.create", "note", fmt.Sprintf("%d-%d", w, i), nil)
					})
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fatalIf(t, "concurrent write", err)
	}
	evs, err := allEvents(ctx, h, 1000)
	fatalIf(t, "Events", err)
	if err := gapFree(evs, tn.ID, 1); err != nil {
		t.Fatal(err)
	}
	if want := len(before) + writers*each; len(evs) != want {
		t.Errorf("got %d events, want %d", len(evs), want)
	}
}
