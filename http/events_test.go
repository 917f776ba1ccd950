package http

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/events"
	"github.com/tenantry/tenantry/presence"
)

// withEvents serves GET /api/events with a Hub fed by the store's commits,
// in-memory presence and fast heartbeats.
func withEvents(store tenantry.Store) func(*Config) {
	return func(c *Config) {
		hub := events.NewHub(nil, nil)
		store.(interface{ OnEvents(func(string)) }).OnEvents(hub.Committed)
		c.Events = &events.Streamer{Hub: hub, Presence: presence.NewMemory(), Heartbeat: 100 * time.Millisecond, Poll: time.Second}
	}
}

// sseStream is an open GET /api/events.
type sseStream struct {
	tb     testing.TB
	status int
	header http.Header
	msgs   chan events.Message
	// lastID is the id EventSource would resend, moved by "id:"-only
	// blocks too.
	mu     sync.Mutex
	lastID string
	cancel context.CancelFunc
}

// stream opens GET /api/events?query as c, resuming after lastID when it
// is not "".
func (e *testEnv) stream(tb testing.TB, c caller, query, lastID string) *sseStream {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/api/events?"+query, nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if c.Tenant != "" {
		req.Header.Set("X-Tenant-ID", c.Tenant)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		tb.Fatalf("GET /api/events: %v", err)
	}
	s := &sseStream{tb: tb, status: res.StatusCode, header: res.Header, msgs: make(chan events.Message, 1000), cancel: cancel, lastID: lastID}
	go func() {
		defer res.Body.Close()
		defer close(s.msgs)
		events.Read(bufio.NewReader(res.Body), func(m events.Message) error {
			s.setID(m.ID)
			s.msgs <- m
			return nil
		}, s.setID)
	}()
	tb.Cleanup(cancel)
	return s
}

func (s *sseStream) setID(id string) {
	if id == "" {
		return
	}
	s.mu.Lock()
	s.lastID = id
	s.mu.Unlock()
}

// id returns the last event id seen.
func (s *sseStream) id() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastID
}

// next returns the next message of kind ("" for outbox events) within
// wait, skipping the others.
func (s *sseStream) next(kind string, wait time.Duration) (events.Message, bool) {
	deadline := time.After(wait)
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				return events.Message{}, false
			}
			if m.Event == kind {
				return m, true
			}
		case <-deadline:
			return events.Message{}, false
		}
	}
}

// nextEvent returns the next outbox event, failing the test after 3s.
func (s *sseStream) nextEvent(what string) tenantry.Event {
	s.tb.Helper()
	m, ok := s.next("", 3*time.Second)
	if !ok {
		s.tb.Fatalf("%s: no event", what)
	}
	var ev tenantry.Event
	if err := json.Unmarshal([]byte(m.Data), &ev); err != nil {
		s.tb.Fatalf("%s: %q: %v", what, m.Data, err)
	}
	if m.ID != strconv.FormatInt(ev.Seq, 10) {
		s.tb.Errorf("%s: id %q, want the seq %d", what, m.ID, ev.Seq)
	}
	return ev
}

func TestEventsStream(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			store := b.open(t)
			e := newTestEnv(t, store, withEvents(store), func(c *Config) { c.RequestTimeout = 300 * time.Millisecond })
			f := e.newFixture(t, "live", "pro")
			o := e.newFixture(t, "dead", "pro")
			member := e.stream(t, f.Member, "", "")
			if member.status != http.StatusOK || !strings.HasPrefix(member.header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("GET /api/events: %d %s", member.status, member.header.Get("Content-Type"))
			}
			admin := e.stream(t, f.Admin, "", "")
			elsewhere := e.stream(t, o.Owner, "", "")
			// The stream outlives the request deadline.
			time.Sleep(500 * time.Millisecond)
			p := e.createProject(t, f.Owner, "Live one")
			e.apiKey(t, f.Owner, tenantry.RoleMember)
			e.must(t, f.Owner, "PATCH", "/api/projects/"+p.ID, map[string]any{"name": "Live two"}, http.StatusOK, nil)
			if ev := member.nextEvent("member"); ev.Type != "project.created" || ev.TargetID != p.ID || ev.TenantID != f.Tenant.ID ||
				ev.Actor.ID != f.Owner.UserID {
				t.Errorf("member's first event: %+v", ev)
			}
			if ev := member.nextEvent("member"); ev.Type != "project.updated" {
				t.Errorf("member's second event: %s, want project.updated (api_key.created is for admins)", ev.Type)
			}
			var got []string
			for range 3 {
				got = append(got, admin.nextEvent("admin").Type)
			}
			if strings.Join(got, " ") != "project.created api_key.created project.updated" {
				t.Errorf("admin's events: %v", got)
			}
			if m, ok := elsewhere.next("", 300*time.Millisecond); ok {
				t.Errorf("another tenant's stream got %+v", m)
			}

			// Resume after the first: the rest, once.
			resumed := e.stream(t, f.Admin, "", strconv.FormatInt(mustSeq(t, store, f.Tenant.ID, "project.created"), 10))
			if a, b := resumed.nextEvent("resumed").Type, resumed.nextEvent("resumed").Type; a != "api_key.created" || b != "project.updated" {
				t.Errorf("resumed: %s %s", a, b)
			}
			all := e.stream(t, f.Member, "after=0", "")
			if ev := all.nextEvent("after=0"); ev.Seq != 1 {
				t.Errorf("?after=0: first seq %d, want 1", ev.Seq)
			}

			// Bad input.
			if r := e.do(t, f.Member, "GET", "/api/events?after=-1", nil); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("after=-1: %d %s", r.Status, r.Body)
			}
			if r := e.do(t, f.Member, "GET", "/api/events?topic=Project:1", nil); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("bad topic: %d %s", r.Status, r.Body)
			}
			if r := e.do(t, caller{}, "GET", "/api/events", nil); r.Status != http.StatusUnauthorized {
				t.Errorf("no credentials: %d", r.Status)
			}
			stranger := e.signup(t, e.email("stranger"))
			if r := e.do(t, stranger.in("live"), "GET", "/api/events", nil); r.Status == http.StatusOK {
				t.Errorf("a non-member's stream: %d", r.Status)
			}

			// Removing the member ends their stream cleanly.
			e.must(t, f.Owner, "DELETE", "/api/members/"+f.Member.UserID, nil, http.StatusNoContent, nil)
			if m, ok := member.next("end", 3*time.Second); !ok || !strings.Contains(m.Data, "member_removed") {
				t.Errorf("removed member: %+v, %v, want end member_removed", m, ok)
			}
			// Suspending the tenant ends the others'.
			e.must(t, e.admin(t), "POST", "/api/admin/tenants/"+f.Tenant.ID+"/suspend", nil, http.StatusOK, nil)
			if m, ok := admin.next("end", 3*time.Second); !ok || !strings.Contains(m.Data, "tenant_suspended") {
				t.Errorf("suspended: %+v, %v, want end tenant_suspended", m, ok)
			}
		})
	}
}

// mustSeq returns the seq of the tenant's first event of type typ.
func mustSeq(t *testing.T, store tenantry.Store, tenantID, typ string) int64 {
	t.Helper()
	evs, err := store.Tenant(tenantID).Events(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Type == typ {
			return ev.Seq
		}
	}
	t.Fatalf("no %s event", typ)
	return 0
}

func TestEventsStreamLimit(t *testing.T) {
	store := openSQLite(t)
	e := newTestEnv(t, store, withEvents(store))
	f := e.newFixture(t, "few", "free")
	admin := e.admin(t)
	e.must(t, admin, "PATCH", "/api/admin/tenants/"+f.Tenant.ID, map[string]any{"limits": map[string]any{"max_event_streams": 1}}, http.StatusOK, nil)
	first := e.stream(t, f.Owner, "", "")
	if first.status != http.StatusOK {
		t.Fatalf("first stream: %d", first.status)
	}
	r := e.do(t, f.Member, "GET", "/api/events", nil)
	if r.Status != http.StatusTooManyRequests || r.errCode() != tenantry.ERATELIMITED || r.Header.Get("Retry-After") == "" {
		t.Errorf("second stream over max_event_streams 1: %d %s (Retry-After %q)", r.Status, r.Body, r.Header.Get("Retry-After"))
	}
	var got struct {
		Limits tenantry.Limits `json:"limits"`
	}
	e.must(t, f.Owner, "GET", "/api/tenant", nil, http.StatusOK, &got)
	if got.Limits[tenantry.LimitMaxEventStreams] != 1 {
		t.Errorf("GET /api/tenant limits: %v, want max_event_streams 1", got.Limits)
	}
}

func TestAdminEvents(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			e := newTestEnv(t, b.open(t))
			f := e.newFixture(t, "outbox", "pro")
			e.createProject(t, f.Owner, "One")
			admin := e.admin(t)
			var l eventList
			e.must(t, admin, "GET", "/api/admin/events?tenant_id=outbox&after=0", nil, http.StatusOK, &l)
			if len(l.Items) == 0 || l.Items[len(l.Items)-1].Type != "project.created" {
				t.Fatalf("admin events: %+v", l.Items)
			}
			last := l.Items[len(l.Items)-1].Seq
			e.must(t, admin, "GET", fmt.Sprintf("/api/admin/events?tenant_id=%s&after=%d", f.Tenant.ID, last-1), nil, http.StatusOK, &l)
			if len(l.Items) != 1 || l.Items[0].Seq != last {
				t.Errorf("after %d: %+v", last-1, l.Items)
			}
			for _, c := range []struct {
				query string
				want  int
			}{
				{"", http.StatusUnprocessableEntity},
				{"tenant_id=outbox&after=x", http.StatusUnprocessableEntity},
				{"tenant_id=outbox&limit=0", http.StatusUnprocessableEntity},
				{"tenant_id=nobody", http.StatusNotFound},
			} {
				if r := e.do(t, admin, "GET", "/api/admin/events?"+c.query, nil); r.Status != c.want {
					t.Errorf("?%s: %d %s, want %d", c.query, r.Status, r.Body, c.want)
				}
			}
			if r := e.do(t, f.Owner, "GET", "/api/admin/events?tenant_id=outbox", nil); r.Status != http.StatusForbidden {
				t.Errorf("a tenant owner: %d, want 403", r.Status)
			}
		})
	}
}

// TestEventsRandomized is the isolation and resumption proof: tenants with
// members of every role and API keys, streams opened on all of them, and
// random changes by random members. No stream ever receives another
// tenant's event or a type its role may not see; every stream, cut at
// random and resumed with Last-Event-ID, receives exactly the visible
// events of its tenant, in seq order, none lost and none repeated.
func TestEventsRandomized(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			store := b.open(t)
			e := newTestEnv(t, store, withEvents(store))
			seed := uint64(time.Now().UnixNano())
			t.Logf("seed %d", seed)
			rng := rand.New(rand.NewPCG(seed, 7))
			roles := tenantry.DefaultEventRoles()
			type watcher struct {
				tenant string
				role   tenantry.Role
				c      caller
				s      *sseStream
				got    []tenantry.Event
				cuts   int
			}
			type tenantOps struct {
				f        fixture
				projects []string
			}
			const nTenants = 4
			var (
				ts       []*tenantOps
				watchers []*watcher
			)
			for i := range nTenants {
				f := e.newFixture(t, fmt.Sprintf("rnd%d", i), "pro")
				to := &tenantOps{f: f}
				ts = append(ts, to)
				key := e.apiKey(t, f.Admin, tenantry.RoleAdmin)
				for _, w := range []struct {
					c    caller
					role tenantry.Role
				}{{f.Owner, tenantry.RoleOwner}, {f.Admin, tenantry.RoleAdmin}, {f.Member, tenantry.RoleMember}, {key, tenantry.RoleAdmin}} {
					watchers = append(watchers, &watcher{tenant: f.Tenant.ID, role: w.role, c: w.c, s: e.stream(t, w.c, "after=0", "")})
				}
			}
			// Random changes of every kind.
			for i := range 60 {
				to := ts[rng.IntN(len(ts))]
				by := []caller{to.f.Owner, to.f.Admin}[rng.IntN(2)]
				switch k := rng.IntN(6); {
				case k <= 1 || len(to.projects) == 0:
					to.projects = append(to.projects, e.createProject(t, by, fmt.Sprintf("p%d", i)).ID)
				case k == 2:
					e.must(t, by, "PATCH", "/api/projects/"+to.projects[rng.IntN(len(to.projects))], map[string]any{"description": fmt.Sprint(i)}, http.StatusOK, nil)
				case k == 3:
					e.createTask(t, by, to.projects[rng.IntN(len(to.projects))], fmt.Sprintf("t%d", i), nil)
				case k == 4:
					e.must(t, by, "PATCH", "/api/settings", map[string]any{"welcome": fmt.Sprint("hi ", i)}, http.StatusOK, nil)
				default:
					e.must(t, by, "POST", "/api/invitations", map[string]any{"email": e.email("inv"), "role": "member"}, http.StatusCreated, nil)
				}
				// Now and then a stream is cut and resumed.
				if rng.IntN(5) == 0 {
					w := watchers[rng.IntN(len(watchers))]
					time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
					w.s.cancel()
					for m := range w.s.msgs {
						if m.Event == "" {
							var ev tenantry.Event
							json.Unmarshal([]byte(m.Data), &ev)
							w.got = append(w.got, ev)
						}
					}
					w.cuts++
					w.s = e.stream(t, w.c, "", w.s.id())
				}
			}
			for _, w := range watchers {
				var want []tenantry.Event
				evs, err := store.Tenant(w.tenant).Events(context.Background(), 0, 1000)
				if err != nil {
					t.Fatal(err)
				}
				for _, ev := range evs {
					if roles.Visible(w.role, ev.Type) {
						want = append(want, *ev)
					}
				}
				for len(w.got) < len(want) {
					m, ok := w.s.next("", 3*time.Second)
					if !ok {
						break
					}
					var ev tenantry.Event
					json.Unmarshal([]byte(m.Data), &ev)
					w.got = append(w.got, ev)
				}
				if m, ok := w.s.next("", 200*time.Millisecond); ok {
					t.Errorf("%s %s: an event beyond the outbox: %s", w.tenant, w.role, m.Data)
				}
				for _, ev := range w.got {
					if ev.TenantID != w.tenant {
						t.Fatalf("%s %s: got an event of tenant %s", w.tenant, w.role, ev.TenantID)
					}
					if !roles.Visible(w.role, ev.Type) {
						t.Fatalf("%s %s: got %s", w.tenant, w.role, ev.Type)
					}
				}
				if len(w.got) != len(want) {
					t.Errorf("%s %s (cut %d times): got %d events, want %d", w.tenant, w.role, w.cuts, len(w.got), len(want))
					continue
				}
				for i := range want {
					if w.got[i].Seq != want[i].Seq || w.got[i].ID != want[i].ID {
						t.Errorf("%s %s (cut %d times): event %d is seq %d, want %d", w.tenant, w.role, w.cuts, i, w.got[i].Seq, want[i].Seq)
						break
					}
				}
			}
		})
	}
}
