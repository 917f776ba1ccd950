package events_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/events"
	"github.com/tenantry/tenantry/presence"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
)

// fixture is a SQLite store with one tenant and its owner, a Hub wired to
// the store and an HTTP server whose handler streams the tenant to the
// member named by ?user= with ?role=, ?topic= and ?after=.
type fixture struct {
	db     *sqlite.DB
	tenant *tenantry.Tenant
	h      tenantry.TenantStore
	owner  *tenantry.User
	srv    *httptest.Server
	s      *events.Streamer
	max    int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"), tenantry.DefaultPlans(), projects.Extension())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	hub := events.NewHub(nil, nil)
	db.OnEvents(hub.Committed)
	owner, err := db.CreateUser(ctx, tenantry.UserCreate{Email: "owner@example.com", Name: "Olive", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	tn, err := db.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Acme", Slug: "acme", Plan: "pro", OwnerID: owner.ID})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, tenant: tn, h: db.Tenant(tn.ID), owner: owner, max: tenantry.Unlimited}
	f.s = &events.Streamer{Hub: hub, Presence: presence.NewMemory(), Heartbeat: 100 * time.Millisecond, Poll: time.Hour}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		after, err := int64(events.FromNow), error(nil)
		if id := r.Header.Get("Last-Event-ID"); id != "" {
			after, err = events.ParseLastEventID(id)
		} else if q.Has("after") {
			after, err = events.ParseLastEventID(q.Get("after"))
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		uid := q.Get("user")
		st := events.Stream{Store: f.h, Tenant: f.tenant, Role: tenantry.Role(q.Get("role")),
			Who: presence.Entry{UserID: uid, Name: q.Get("name"), Email: q.Get("name") + "@example.com"}, MemberID: uid,
			APIKeyID: q.Get("key"), After: after, Topic: q.Get("topic"), MaxStreams: f.max}
		if err := f.s.Serve(w, r, st); err != nil {
			if tenantry.IsCode(err, tenantry.ERATELIMITED) {
				http.Error(w, err.Error(), http.StatusTooManyRequests)
				return
			}
			t.Logf("stream: %v", err)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// reader is an open stream.
type reader struct {
	t      *testing.T
	msgs   chan events.Message
	cancel context.CancelFunc
	status int
}

// open opens a stream with query (and Last-Event-ID when lastID is set).
func (f *fixture) open(t *testing.T, query, lastID string) *reader {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+"/?"+query, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	r := &reader{t: t, msgs: make(chan events.Message, 100), cancel: cancel, status: resp.StatusCode}
	go func() {
		defer resp.Body.Close()
		defer close(r.msgs)
		events.Read(bufio.NewReader(resp.Body), func(m events.Message) error {
			r.msgs <- m
			return nil
		}, nil)
	}()
	t.Cleanup(r.close)
	return r
}

func (r *reader) close() { r.cancel() }

// next returns the next message of kind event ("" for outbox events),
// skipping others, within a second.
func (r *reader) next(event string) (events.Message, bool) {
	r.t.Helper()
	deadline := time.After(2 * time.Second)
	for {
		select {
		case m, ok := <-r.msgs:
			if !ok {
				return events.Message{}, false
			}
			if m.Event == event {
				return m, true
			}
		case <-deadline:
			return events.Message{}, false
		}
	}
}

// event decodes an outbox message.
func event(t *testing.T, m events.Message) tenantry.Event {
	t.Helper()
	var ev tenantry.Event
	if err := json.Unmarshal([]byte(m.Data), &ev); err != nil {
		t.Fatalf("event %q: %v", m.Data, err)
	}
	return ev
}

func TestStreamDeliversFiltersAndResumes(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	member := f.open(t, "user=u-m&role=member", "")
	admin := f.open(t, "user=u-a&role=admin", "")
	time.Sleep(50 * time.Millisecond)
	p, err := pj(f.h).CreateProject(ctx, tenantry.ProjectCreate{Name: "Live"})
	if err != nil {
		t.Fatal(err)
	}
	key := &tenantry.APIKey{Name: "k", Role: tenantry.RoleMember, Prefix: "tnt_", Hash: "h1", CreatedBy: f.owner.ID}
	if err := f.h.CreateAPIKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := pj(f.h).UpdateProject(ctx, p.ID, tenantry.ProjectUpdate{Name: ptr("Live 2")}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 2 {
		m, ok := member.next("")
		if !ok {
			t.Fatalf("member: got %v, then nothing", got)
		}
		got = append(got, event(t, m).Type+"@"+m.ID)
	}
	evs, _ := f.h.Events(ctx, 0, 100)
	seq := func(typ string) string {
		for _, ev := range evs {
			if ev.Type == typ {
				return typ + "@" + itoa(ev.Seq)
			}
		}
		return typ + "@?"
	}
	want := []string{seq("project.created"), seq("project.updated")}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("member's stream: got %v, want %v (the API key's event is for admins)", got, want)
	}
	var adminGot []string
	for range 3 {
		m, ok := admin.next("")
		if !ok {
			break
		}
		adminGot = append(adminGot, event(t, m).Type)
	}
	if strings.Join(adminGot, " ") != "project.created api_key.created project.updated" {
		t.Errorf("admin's stream: got %v", adminGot)
	}

	// Resuming after the first event gives exactly the rest.
	resumed := f.open(t, "user=u-a&role=admin", strings.Split(seq("project.created"), "@")[1])
	var rest []string
	for range 2 {
		m, ok := resumed.next("")
		if !ok {
			break
		}
		rest = append(rest, event(t, m).Type)
	}
	if strings.Join(rest, " ") != "api_key.created project.updated" {
		t.Errorf("resumed: got %v, want api_key.created project.updated", rest)
	}
	select {
	case m := <-resumed.msgs:
		if m.Event == "" {
			t.Errorf("resumed: a repeated event %+v", m)
		}
	case <-time.After(150 * time.Millisecond):
	}
}

func TestStreamEnds(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	mate, err := f.db.CreateUser(ctx, tenantry.UserCreate{Email: "mate@example.com", Name: "Mate", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.h.AddMember(ctx, mate.ID, tenantry.RoleMember); err != nil {
		t.Fatal(err)
	}
	evs, _ := f.h.Events(ctx, 0, 100)
	last := itoa(evs[len(evs)-1].Seq)
	mine := f.open(t, "user="+mate.ID+"&role=member", last)
	other := f.open(t, "user=u-other&role=member", last)
	time.Sleep(50 * time.Millisecond)
	if err := f.h.RemoveMember(ctx, mate.ID); err != nil {
		t.Fatal(err)
	}
	m, ok := mine.next("end")
	if !ok || !strings.Contains(m.Data, events.EndMemberRemoved) {
		t.Errorf("removed member's stream: got %+v, %v, want end member_removed", m, ok)
	}
	if _, ok := <-mine.msgs; ok {
		t.Errorf("removed member's stream: still open after end")
	}
	if m, ok := other.next(""); !ok || event(t, m).Type != "member.removed" {
		t.Errorf("other member's stream: got %+v, %v, want member.removed", m, ok)
	}
	if _, err := f.db.Platform().SetTenantStatus(ctx, f.tenant.ID, tenantry.TenantSuspended); err != nil {
		t.Fatal(err)
	}
	m, ok = other.next("end")
	if !ok || !strings.Contains(m.Data, events.EndTenantSuspended) {
		t.Errorf("after suspension: got %+v, %v, want end tenant_suspended", m, ok)
	}
}

func TestStreamKeyRevokedAndExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	key := &tenantry.APIKey{Name: "k", Role: tenantry.RoleAdmin, Prefix: "tnt_", Hash: "h2", CreatedBy: f.owner.ID}
	if err := f.h.CreateAPIKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	s := f.open(t, "user="+key.ID+"&role=admin&key="+key.ID, "")
	time.Sleep(50 * time.Millisecond)
	if err := f.h.RevokeAPIKey(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	if m, ok := s.next("end"); !ok || !strings.Contains(m.Data, events.EndKeyRevoked) {
		t.Errorf("revoked key's stream: got %+v, %v, want end api_key_revoked", m, ok)
	}
}

func TestStreamLimitAndPresence(t *testing.T) {
	f := newFixture(t)
	f.max = 2
	topic := "project:" + tenantry.NewID()
	a := f.open(t, "user=u-a&name=Ann&role=member&topic="+topic, "")
	if m, ok := a.next("presence"); !ok || !strings.Contains(m.Data, `"members":[]`) {
		t.Errorf("first on the topic: got %+v, %v, want nobody else", m, ok)
	}
	b := f.open(t, "user=u-b&name=Ben&role=admin&topic="+topic, "")
	if m, ok := b.next("presence"); !ok || !strings.Contains(m.Data, `"user_id":"u-a","name":"Ann","email":"Ann@example.com"`) {
		t.Errorf("admin sees: got %+v, %v, want Ann with her e-mail", m, ok)
	}
	if m, ok := a.next("presence"); !ok || m.Data != `{"members":[{"user_id":"u-b","name":"Ben"}],"topic":"`+topic+`"}` {
		t.Errorf("member sees: got %+v, %v, want Ben without e-mail", m, ok)
	}
	c := f.open(t, "user=u-c&role=member", "")
	if c.status != http.StatusTooManyRequests {
		t.Errorf("third stream with max_event_streams 2: status %d, want 429", c.status)
	}
	b.close()
	if m, ok := a.next("presence"); !ok || !strings.Contains(m.Data, `"members":[]`) {
		t.Errorf("after Ben left: got %+v, %v, want nobody else", m, ok)
	}
	time.Sleep(50 * time.Millisecond)
	if d := f.open(t, "user=u-d&role=member", ""); d.status != http.StatusOK {
		t.Errorf("a stream after one closed: status %d, want 200", d.status)
	}
}

func TestStreamResetAfterPrune(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, n := range []string{"a", "b", "c"} {
		if _, err := pj(f.h).CreateProject(ctx, tenantry.ProjectCreate{Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.Platform().PruneEvents(ctx, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := pj(f.h).CreateProject(ctx, tenantry.ProjectCreate{Name: "d"}); err != nil {
		t.Fatal(err)
	}
	s := f.open(t, "user=u&role=member", "1")
	if m, ok := s.next("reset"); !ok || m.Data != `{"after":1}` {
		t.Errorf("resume into pruned events: got %+v, %v, want reset", m, ok)
	}
}

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strings.TrimSpace(strings.Replace(jsonNum(n), "\"", "", -1)) }

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }
