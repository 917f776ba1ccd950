package ui_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/events"
	"github.com/tenantry/tenantry/presence"
	"github.com/tenantry/tenantry/ui"
)

// withEvents serves the pages' live updates from a Hub fed by the store's
// commits, with in-memory presence and fast heartbeats.
func withEvents(c *ui.Config) {
	hub := events.NewHub(nil, nil)
	c.Store.(interface{ OnEvents(func(string)) }).OnEvents(hub.Committed)
	c.Events = &events.Streamer{Hub: hub, Presence: presence.NewMemory(), Heartbeat: 200 * time.Millisecond, Poll: time.Second}
}

// newLiveEnv is newEnv with live pages.
func newLiveEnv(tb testing.TB) *env { return newEnvWith(tb, nil, withEvents) }

// stream opens GET path (an event stream) with c's cookies.
func (c *client) stream(path string) (*http.Response, chan events.Message) {
	c.tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c.tb.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.e.Server.URL+path, nil)
	res, err := c.http.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	msgs := make(chan events.Message, 100)
	go func() {
		defer res.Body.Close()
		defer close(msgs)
		events.Read(bufio.NewReader(res.Body), func(m events.Message) error { msgs <- m; return nil }, nil)
	}()
	return res, msgs
}

// nextOf returns the next message of kind within two seconds.
func nextOf(msgs chan events.Message, kind string) (events.Message, bool) {
	deadline := time.After(2 * time.Second)
	for {
		select {
		case m, ok := <-msgs:
			if !ok {
				return m, false
			}
			if m.Event == kind {
				return m, true
			}
		case <-deadline:
			return events.Message{}, false
		}
	}
}

func TestPagesEventStream(t *testing.T) {
	e := newLiveEnv(t)
	ann := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	bob := e.inviteAndAccept(t, ann, "acme", "bob@acme.test", "Bob", tenantry.RoleMember)
	gus := e.signup(t, "gus@globex.test", "Gus", "Globex", "globex")

	// The pages say where their stream is, and load the script.
	page := ann.get("/t/acme/projects")
	mustStatus(t, "projects", page, http.StatusOK)
	mustContain(t, "projects", page.Body, `data-live="/t/acme/events?topic=projects"`, `src="/static/live.js"`, `data-live-section="projects"`)
	js := ann.get("/static/live.js")
	mustStatus(t, "live.js", js, http.StatusOK)
	mustContain(t, "live.js", js.Body, "EventSource", "data-live-section")

	res, annMsgs := ann.stream("/t/acme/events?topic=projects")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET /t/acme/events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	_, gusMsgs := gus.stream("/t/globex/events?topic=projects")
	_, bobMsgs := bob.stream("/t/acme/events?topic=projects")
	if m, ok := nextOf(annMsgs, "presence"); !ok || !strings.Contains(m.Data, "Bob") {
		// The first presence event may predate Bob's arrival.
		if m, ok = nextOf(annMsgs, "presence"); !ok || !strings.Contains(m.Data, "Bob") {
			t.Errorf("Ann's presence: %+v, %v, want Bob", m, ok)
		}
	}
	if m, ok := nextOf(gusMsgs, "presence"); ok && strings.Contains(m.Data, "Ann") {
		t.Errorf("Gus on globex's projects sees acme's: %s", m.Data)
	}

	r := bob.post("/t/acme/projects", map[string][]string{"name": {"Rocket"}})
	mustStatus(t, "create project", r, http.StatusSeeOther)
	if m, ok := nextOf(annMsgs, ""); !ok || !strings.Contains(m.Data, `"project.created"`) {
		t.Errorf("Ann's stream: %+v, %v, want project.created", m, ok)
	}
	if m, ok := nextOf(bobMsgs, ""); !ok || !strings.Contains(m.Data, `"project.created"`) {
		t.Errorf("Bob's stream: %+v, %v, want project.created", m, ok)
	}
	select {
	case m := <-gusMsgs:
		if m.Event == "" {
			t.Errorf("Gus's stream got acme's event %s", m.Data)
		}
	case <-time.After(300 * time.Millisecond):
	}

	// Signed out or on another tenant: no stream.
	anon := e.newClient(t)
	if r := anon.get("/t/acme/events"); r.Status == http.StatusOK {
		t.Errorf("anonymous stream: %d", r.Status)
	}
	if r := gus.get("/t/acme/events"); r.Status == http.StatusOK {
		t.Errorf("a non-member's stream: %d", r.Status)
	}
	if r := ann.get("/t/acme/events?topic=Bad"); r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
		t.Errorf("bad topic: %d", r.Status)
	}
}
