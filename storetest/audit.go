package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

func testAudit(t *testing.T, s tenantry.Store) {
	base := t.Context()
	u := newUser(t, base, s, "auditor@example.com")
	tn, h := newTenant(t, base, s, "aud", "pro", u.ID)
	otn, other := newTenant(t, base, s, "aud-other", "pro", u.ID)
	userCtx := tenantry.NewContextWithRequestID(tenantry.NewContextWithIdentity(base, tenantry.Identity{UserID: u.ID}), "req-user")
	keyCtx := tenantry.NewContextWithRequestID(tenantry.NewContextWithIdentity(base, tenantry.Identity{APIKeyID: "key-9", UserID: u.ID}), "req-key")

	steps := []struct {
		name      string
		ctx       func() *tenantry.Project
		actorType tenantry.ActorType
		actorID   string
		requestID string
	}{
		{"user", func() *tenantry.Project { return newProject(t, userCtx, h, "By user") }, tenantry.ActorUser, u.ID, "req-user"},
		{"api key", func() *tenantry.Project { return newProject(t, keyCtx, h, "By key") }, tenantry.ActorAPIKey, "key-9", "req-key"},
		{"system", func() *tenantry.Project { return newProject(t, base, h, "By system") }, tenantry.ActorSystem, "", ""},
	}
	var created []string
	for _, st := range steps {
		p := st.ctx()
		created = append(created, p.ID)
		ev := wantAudit(t, base, h, "project.create", p.ID)
		if ev == nil {
			continue
		}
		if ev.Actor.Type != st.actorType || ev.Actor.ID != st.actorID || ev.RequestID != st.requestID ||
			ev.TenantID != tn.ID || ev.TargetType == "" || ev.At.IsZero() || ev.ID == "" {
			t.Errorf("audit event by %s: got %+v, want actor %s %q request %q tenant %s, a target type and a time",
				st.name, ev, st.actorType, st.actorID, st.requestID, tn.ID)
		}
		if d := time.Since(ev.At); d < -time.Minute || d > time.Minute {
			t.Errorf("audit event by %s: got time %v, want about now", st.name, ev.At)
		}
	}
	_, err := pj(h).UpdateProject(userCtx, created[0], tenantry.ProjectUpdate{IsActive: ptr(false)})
	fatalIf(t, "UpdateProject", err)
	fatalIf(t, "DeleteProject", pj(h).DeleteProject(userCtx, created[1]))
	newProject(t, userCtx, other, "By user")

	all, err := allAudit(base, h.AuditEvents, tenantry.AuditFilter{})
	fatalIf(t, "AuditEvents", err)
	var ids []string
	for _, ev := range all {
		ids = append(ids, ev.ID)
		if ev.TenantID != tn.ID {
			t.Errorf("AuditEvents of %s: got an event of tenant %s", tn.ID, ev.TenantID)
		}
	}
	rev := slices.Clone(ids)
	slices.Reverse(rev)
	if !ascending(rev) {
		t.Errorf("AuditEvents: got ids %v, want newest first (ids descending)", ids)
	}
	// Paging by 2 gives the same sequence.
	var paged []string
	f := tenantry.AuditFilter{Page: tenantry.Page{Limit: 2}}
	for range 100 {
		evs, next, err := h.AuditEvents(base, f)
		fatalIf(t, "AuditEvents(page)", err)
		if len(evs) > 2 {
			t.Errorf("AuditEvents(limit 2): got %d events", len(evs))
		}
		for _, ev := range evs {
			paged = append(paged, ev.ID)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if jsonOf(paged) != jsonOf(ids) {
		t.Errorf("AuditEvents by pages of 2: got %v, want %v", paged, ids)
	}
	// The action filter, and a TenantID in the filter that a handle ignores.
	for _, tt := range []struct {
		action string
		want   int
	}{{"project.create", 3}, {"project.update", 1}, {"project.delete", 1}, {"task.create", 0}} {
		evs, err := allAudit(base, h.AuditEvents, tenantry.AuditFilter{Action: tt.action, TenantID: otn.ID})
		fatalIf(t, "AuditEvents("+tt.action+")", err)
		if len(evs) != tt.want {
			t.Errorf("AuditEvents(action %s): got %d, want %d", tt.action, len(evs), tt.want)
		}
		for _, ev := range evs {
			if ev.Action != tt.action || ev.TenantID != tn.ID {
				t.Errorf("AuditEvents(action %s): got %s of tenant %s", tt.action, ev.Action, ev.TenantID)
			}
		}
	}

	// The platform trail narrows to one tenant, or crosses them.
	pf, err := allAudit(base, s.Platform().AuditEvents, tenantry.AuditFilter{TenantID: otn.ID})
	fatalIf(t, "Platform.AuditEvents(other)", err)
	seen := false
	for _, ev := range pf {
		if ev.TenantID != otn.ID {
			t.Errorf("Platform.AuditEvents(tenant %s): got an event of %s", otn.ID, ev.TenantID)
		}
		seen = seen || ev.Action == "project.create"
	}
	if !seen {
		t.Errorf("Platform.AuditEvents(tenant %s): got no project.create, want one", otn.ID)
	}
	pa, err := allAudit(base, s.Platform().AuditEvents, tenantry.AuditFilter{Action: "project.create"})
	fatalIf(t, "Platform.AuditEvents(all)", err)
	tenants := map[string]int{}
	for _, ev := range pa {
		tenants[ev.TenantID]++
	}
	if tenants[tn.ID] != 3 || tenants[otn.ID] != 1 {
		t.Errorf("Platform.AuditEvents(project.create): got per tenant %v, want 3 for %s and 1 for %s", tenants, tn.ID, otn.ID)
	}
	_, _, err = h.AuditEvents(base, tenantry.AuditFilter{Page: tenantry.Page{Cursor: "***"}})
	wantCode(t, "AuditEvents(bad cursor)", err, tenantry.EBADREQUEST)
}

func testChat(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	u := newUser(t, ctx, s, "chatter@example.com")
	tn, h := newTenant(t, ctx, s, "chat", "pro", u.ID)
	_, other := newTenant(t, ctx, s, "chat-other", "pro", u.ID)
	ctx = tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: u.ID})

	sess := &tenantry.ChatSession{UserID: u.ID}
	fatalIf(t, "CreateChatSession", h.CreateChatSession(ctx, sess))
	if sess.ID == "" || sess.TenantID != tn.ID || sess.CreatedAt.IsZero() {
		t.Errorf("CreateChatSession: got %+v, want id, tenant and time filled in", sess)
	}
	wantAudit(t, ctx, h, "chat_session.create", sess.ID)
	got, err := h.ChatSession(ctx, sess.ID)
	fatalIf(t, "ChatSession", err)
	if got.ID != sess.ID || got.TenantID != tn.ID || got.UserID != u.ID || !got.CreatedAt.Equal(sess.CreatedAt) {
		t.Errorf("ChatSession: got %+v, want %+v", got, sess)
	}
	if got.Visitor {
		t.Errorf("ChatSession: got a visitor session, want a member's")
	}
	// A visitor session of the public assistant: no user, marked visitor,
	// audited with the visitor as actor.
	vctx := tenantry.NewContextWithIdentity(t.Context(), tenantry.Identity{TenantID: tn.ID, Visitor: true})
	vsess := &tenantry.ChatSession{Visitor: true}
	fatalIf(t, "CreateChatSession(visitor)", h.CreateChatSession(vctx, vsess))
	vgot, err := h.ChatSession(ctx, vsess.ID)
	fatalIf(t, "ChatSession(visitor)", err)
	if !vgot.Visitor || vgot.UserID != "" || vgot.TenantID != tn.ID {
		t.Errorf("ChatSession(visitor): got %+v, want a visitor session of %s with no user", vgot, tn.ID)
	}
	if ev := wantAudit(t, ctx, h, "chat_session.create", vsess.ID); ev != nil && ev.Actor.Type != tenantry.ActorVisitor {
		t.Errorf("chat_session.create of a visitor: got actor %+v, want type %q", ev.Actor, tenantry.ActorVisitor)
	}
	osess := &tenantry.ChatSession{UserID: u.ID}
	fatalIf(t, "CreateChatSession(other)", other.CreateChatSession(ctx, osess))
	fatalIf(t, "AppendChatMessages(other)", other.AppendChatMessages(ctx, osess.ID, &tenantry.ChatMessage{Role: tenantry.ChatRoleUser, Content: "theirs"}))

	var msgs []*tenantry.ChatMessage
	for i, c := range []string{"one", "two", "three", "four", "five"} {
		role := tenantry.ChatRoleUser
		if i%2 == 1 {
			role = tenantry.ChatRoleAssistant
		}
		msgs = append(msgs, &tenantry.ChatMessage{Role: role, Content: c})
	}
	fatalIf(t, "AppendChatMessages", h.AppendChatMessages(ctx, sess.ID, msgs[:2]...))
	fatalIf(t, "AppendChatMessages", h.AppendChatMessages(ctx, sess.ID, msgs[2:]...))
	for _, m := range msgs {
		if m.ID == "" || m.TenantID != tn.ID || m.SessionID != sess.ID || m.CreatedAt.IsZero() {
			t.Errorf("AppendChatMessages: got %+v, want id, tenant, session and time filled in", m)
		}
	}
	contents := func(ms []*tenantry.ChatMessage) []string {
		var out []string
		for _, m := range ms {
			if m.TenantID != tn.ID || m.SessionID != sess.ID {
				t.Errorf("chat message %s: got tenant %s session %s, want %s %s", m.ID, m.TenantID, m.SessionID, tn.ID, sess.ID)
			}
			out = append(out, m.Content)
		}
		return out
	}
	page := func(p tenantry.Page) func() ([]*tenantry.ChatMessage, error) {
		return func() ([]*tenantry.ChatMessage, error) {
			return allPages(ctx, p.Limit, func(ctx2 context.Context, p tenantry.Page) ([]*tenantry.ChatMessage, string, error) {
				return h.ChatMessages(ctx2, sess.ID, p)
			})
		}
	}
	lists := []struct {
		name string
		fn   func() ([]*tenantry.ChatMessage, error)
		want []string
	}{
		{"ChatMessages", page(tenantry.Page{}), []string{"one", "two", "three", "four", "five"}},
		{"ChatMessages(pages of 2)", page(tenantry.Page{Limit: 2}), []string{"one", "two", "three", "four", "five"}},
		{"RecentChatMessages(3)", func() ([]*tenantry.ChatMessage, error) { return h.RecentChatMessages(ctx, sess.ID, 3) }, []string{"three", "four", "five"}},
		{"RecentChatMessages(10)", func() ([]*tenantry.ChatMessage, error) { return h.RecentChatMessages(ctx, sess.ID, 10) }, []string{"one", "two", "three", "four", "five"}},
	}
	for _, tt := range lists {
		ms, err := tt.fn()
		fatalIf(t, tt.name, err)
		if got := contents(ms); jsonOf(got) != jsonOf(tt.want) {
			t.Errorf("%s: got %v, want %v (oldest first)", tt.name, got, tt.want)
		}
	}

	bad := []struct {
		name string
		fn   func() error
	}{
		{"ChatSession(unknown)", func() error { _, err := h.ChatSession(ctx, tenantry.NewID()); return err }},
		{"ChatSession(not-a-uuid)", func() error { _, err := h.ChatSession(ctx, "not-a-uuid"); return err }},
		{"ChatSession(other tenant's)", func() error { _, err := h.ChatSession(ctx, osess.ID); return err }},
		{"AppendChatMessages(other tenant's)", func() error {
			return h.AppendChatMessages(ctx, osess.ID, &tenantry.ChatMessage{Role: tenantry.ChatRoleUser, Content: "sneak"})
		}},
		{"AppendChatMessages(unknown)", func() error {
			return h.AppendChatMessages(ctx, tenantry.NewID(), &tenantry.ChatMessage{Role: tenantry.ChatRoleUser, Content: "x"})
		}},
		{"ChatMessages(other tenant's)", func() error { _, _, err := h.ChatMessages(ctx, osess.ID, tenantry.Page{}); return err }},
		{"ChatMessages(unknown)", func() error { _, _, err := h.ChatMessages(ctx, tenantry.NewID(), tenantry.Page{}); return err }},
		{"RecentChatMessages(other tenant's)", func() error { _, err := h.RecentChatMessages(ctx, osess.ID, 5); return err }},
	}
	for _, tt := range bad {
		wantCode(t, tt.name, tt.fn(), tenantry.ENOTFOUND)
	}
	oms, _, err := other.ChatMessages(ctx, osess.ID, tenantry.Page{})
	fatalIf(t, "other tenant's ChatMessages", err)
	if len(oms) != 1 || oms[0].Content != "theirs" {
		t.Errorf("other tenant's ChatMessages after refused appends: got %d messages, want only \"theirs\"", len(oms))
	}
}

func testUsage(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	u := newUser(t, ctx, s, "use@example.com")
	v := newUser(t, ctx, s, "use2@example.com")
	tn, h := newTenant(t, ctx, s, "usage", "pro", u.ID)
	_, other := newTenant(t, ctx, s, "usage-other", "pro", u.ID)
	_, err := h.AddMember(ctx, v.ID, tenantry.RoleMember)
	fatalIf(t, "AddMember", err)
	p := newProject(t, ctx, h, "P")
	newProject(t, ctx, h, "Q")
	newTask(t, ctx, h, p.ID, "a", nil)
	newTask(t, ctx, h, p.ID, "b", nil)
	newTask(t, ctx, h, p.ID, "c", nil)
	op := newProject(t, ctx, other, "P")
	newTask(t, ctx, other, op.ID, "z", nil)

	before, err := allAudit(ctx, h.AuditEvents, tenantry.AuditFilter{})
	fatalIf(t, "AuditEvents", err)
	for _, c := range []struct {
		counter string
		n       int64
	}{{tenantry.CounterRequests, 3}, {tenantry.CounterRequests, 2}, {tenantry.CounterChatMessages, 4}} {
		fatalIf(t, "AddUsage", h.AddUsage(ctx, c.counter, c.n))
	}
	fatalIf(t, "AddUsage(other)", other.AddUsage(ctx, tenantry.CounterRequests, 100))
	after, err := allAudit(ctx, h.AuditEvents, tenantry.AuditFilter{})
	fatalIf(t, "AuditEvents", err)
	if len(after) != len(before) {
		t.Errorf("AddUsage: got %d new audit events, want none", len(after)-len(before))
	}
	want := tenantry.Usage{Members: 2, Projects: 2, Tasks: 3, RequestsToday: 5, ChatMessagesToday: 4}
	got, err := usage(ctx, h)
	fatalIf(t, "Usage", err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Usage: got %+v, want %+v", got, want)
	}
	pu, err := s.Platform().TenantUsage(ctx, tn.ID)
	fatalIf(t, "TenantUsage", err)
	fatalIf(t, "AddExtensions", pu.AddExtensions(ctx, h, []tenantry.Extension{projects.Extension()}))
	if pu.Members != want.Members || pu.Projects != want.Projects || pu.Tasks != want.Tasks {
		t.Errorf("TenantUsage: got %+v, want %+v", pu, want)
	}
	// A deleted tenant has no usage to read or add to, on both backends.
	fatalIf(t, "DeleteTenant", s.Platform().DeleteTenant(ctx, tn.ID))
	_, err = h.Usage(ctx)
	wantCode(t, "Usage of a deleted tenant", err, tenantry.ETENANTNOTFOUND)
	wantCode(t, "AddUsage of a deleted tenant", h.AddUsage(ctx, tenantry.CounterRequests, 1), tenantry.ETENANTNOTFOUND)
	_, err = s.Platform().TenantUsage(ctx, tn.ID)
	wantCode(t, "TenantUsage of a deleted tenant", err, tenantry.ETENANTNOTFOUND)
	wantCode(t, "AddUsage without a counter", other.AddUsage(ctx, "", 1), tenantry.EINVALID)
}

// testPlatformAddUsage: one call adds to the counters of many tenants,
// skips ids that name no tenant (or no id at all) without failing the
// others, and accumulates.
func testPlatformAddUsage(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	u := newUser(t, ctx, s, "flush@example.com")
	a, ha := newTenant(t, ctx, s, "flush-a", "pro", u.ID)
	b, hb := newTenant(t, ctx, s, "flush-b", "pro", u.ID)
	gone, _ := newTenant(t, ctx, s, "flush-gone", "pro", u.ID)
	fatalIf(t, "DeleteTenant", s.Platform().DeleteTenant(ctx, gone.ID))
	fatalIf(t, "AddUsage(a)", ha.AddUsage(ctx, tenantry.CounterRequests, 1))

	p := s.Platform()
	fatalIf(t, "Platform.AddUsage", p.AddUsage(ctx, tenantry.CounterRequests,
		map[string]int64{a.ID: 10, b.ID: 20, gone.ID: 30, tenantry.NewID(): 40, "not-an-id": 50}))
	fatalIf(t, "Platform.AddUsage again", p.AddUsage(ctx, tenantry.CounterRequests, map[string]int64{b.ID: 5}))
	fatalIf(t, "Platform.AddUsage chat", p.AddUsage(ctx, tenantry.CounterChatMessages, map[string]int64{a.ID: 2}))
	fatalIf(t, "Platform.AddUsage nothing", p.AddUsage(ctx, tenantry.CounterRequests, nil))
	if err := p.AddUsage(ctx, "", map[string]int64{a.ID: 1}); !tenantry.IsCode(err, tenantry.EINVALID) {
		t.Errorf("Platform.AddUsage with no counter: got %v, want validation_failed", err)
	}

	tests := []struct {
		name           string
		h              tenantry.TenantStore
		requests, chat int64
	}{
		{"a", ha, 11, 2},
		{"b", hb, 25, 0},
	}
	for _, tt := range tests {
		got, err := usage(ctx, tt.h)
		fatalIf(t, "Usage", err)
		if got.RequestsToday != tt.requests || got.ChatMessagesToday != tt.chat {
			t.Errorf("tenant %s: got %d requests, %d chat messages today; want %d, %d",
				tt.name, got.RequestsToday, got.ChatMessagesToday, tt.requests, tt.chat)
		}
	}
}
