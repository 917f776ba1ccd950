package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/tenantrytest"
	"github.com/tenantry/tenantry/webhook"
)

const wait = 10 * time.Second

// TestDelivery delivers events to a local receiver that checks every
// signature with its own verifier, on both backends: success, 500 then
// success, a timeout, a redirect not followed, an address refused at dial
// time, disablement after repeated failures and enabling again, a
// hanging receiver of one tenant that does not delay another tenant, an
// attempt cut short by a shutdown and made after the restart, and two
// dispatchers on one database sending each delivery once.
func TestDelivery(t *testing.T) {
	for _, b := range tenantrytest.Backends(webhook.Extension()) {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b)
			t.Run("success", func(t *testing.T) { testSuccess(t, e) })
			t.Run("500 then success", func(t *testing.T) { testRetry(t, e) })
			t.Run("timeout", func(t *testing.T) { testTimeout(t, e) })
			t.Run("redirect refused", func(t *testing.T) { testRedirect(t, e) })
			t.Run("private address refused at dial", func(t *testing.T) { testDialRefused(t, e) })
			t.Run("disabled after failures", func(t *testing.T) { testDisable(t, e) })
			t.Run("one tenant's hanging receiver", func(t *testing.T) { testHanging(t, e) })
			t.Run("restart", func(t *testing.T) { testRestart(t, e) })
			t.Run("two dispatchers", func(t *testing.T) { testTwoDispatchers(t, e) })
			t.Run("notifications coalesced", func(t *testing.T) { testCoalesced(t, e) })
		})
	}
}

// readCounter is a store that counts the reads of each tenant.
type readCounter struct {
	tenantry.Store
	mu    *sync.Mutex
	reads map[string]int
}

func (s readCounter) Tenant(id string) tenantry.TenantStore {
	return countedTenant{s.Store.Tenant(id), s}
}

func (s readCounter) count(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads[id]
}

type countedTenant struct {
	tenantry.TenantStore
	c readCounter
}

func (ts countedTenant) Read(ctx context.Context, fn func(tenantry.Tx) error) error {
	ts.c.mu.Lock()
	ts.c.reads[ts.ID()]++
	ts.c.mu.Unlock()
	return ts.TenantStore.Read(ctx, fn)
}

// testCoalesced: a burst of notifications, one per commit, makes a round
// of a tenant's loop about every 50 ms (each round reads the tenant's
// endpoints), not one a notification; and every event of the burst, the
// last one included, is delivered.
func testCoalesced(t *testing.T, e *env) {
	busy, none := e.tenant(t, "busy"), e.tenant(t, "none")
	hook := e.register(t, busy, "/busy")
	counted := readCounter{Store: e.store, mu: &sync.Mutex{}, reads: map[string]int{}}
	ce := *e
	ce.store = counted
	d, f := ce.dispatcher(t, nil, nil, busy, none)
	const commits = 60
	start := time.Now()
	for range commits {
		f.add(busy.ID, "project.created")
		d.Notify(busy.ID)
		d.Notify(none.ID)
		time.Sleep(2 * time.Millisecond)
	}
	burst := time.Since(start)
	eventually(t, wait, "every event of the burst is delivered", func() bool { return len(e.rc.got("/busy")) == commits })
	time.Sleep(100 * time.Millisecond) // the loop's last round and linger
	if got := len(e.rc.got("/busy")); got != commits {
		t.Errorf("receiver: got %d requests, want %d: each event once", got, commits)
	}
	if ds := e.deliveries(t, busy, hook.ID); len(ds) == 0 || ds[0].Status != webhook.StatusSucceeded {
		t.Errorf("newest attempt: got %+v, want succeeded", ds)
	}
	got, most := counted.count(none.ID), int(burst/(50*time.Millisecond))+5 // a few more: the walk at Start reads each tenant too
	if got < 1 || got > most {
		t.Errorf("tenant without endpoints: got %d rounds for %d notifications in %v, want 1 to %d", got, commits, burst, most)
	}
}

// lastAttempt waits until the endpoint's newest attempt is no longer
// pending and returns the attempts, newest first.
func lastAttempt(t *testing.T, e *env, tn tenant, id string, n int) []webhook.Delivery {
	t.Helper()
	var ds []webhook.Delivery
	eventually(t, wait, "the attempts are recorded", func() bool {
		ds = e.deliveries(t, tn, id)
		return len(ds) >= n && ds[0].Status != webhook.StatusPending
	})
	return ds
}

func testSuccess(t *testing.T, e *env) {
	tn := e.tenant(t, "ok")
	all := e.register(t, tn, "/ok")
	members := e.register(t, tn, "/members", "member.removed")
	d, f := e.dispatcher(t, nil, nil, tn)
	ev := f.add(tn.ID, "project.created")
	d.Notify(tn.ID)
	ds := lastAttempt(t, e, tn, all.ID, 1)
	hits := e.rc.got("/ok")
	if len(hits) != 1 || hits[0].Verified != nil {
		t.Fatalf("receiver got %+v, want one verified request", hits)
	}
	var got tenantry.Event
	if err := json.Unmarshal(hits[0].Body, &got); err != nil || got.ID != ev.ID || got.Seq != ev.Seq || got.Type != ev.Type || got.TenantID != tn.ID {
		t.Errorf("body %s, %v: want the event %+v", hits[0].Body, err, ev)
	}
	if dl := ds[0]; len(ds) != 1 || dl.Status != webhook.StatusSucceeded || dl.StatusCode == nil || *dl.StatusCode != 204 || dl.Attempt != 1 ||
		dl.MessageID != hits[0].ID || dl.EventID != ev.ID || dl.DurationMS == nil || dl.AttemptedAt == nil || dl.NextAttemptAt != nil {
		t.Errorf("deliveries: %+v, want one succeeded attempt answered 204 with the message id sent", ds)
	}
	// The endpoint that wants member.removed only gets that.
	f.add(tn.ID, "member.removed")
	d.Notify(tn.ID)
	lastAttempt(t, e, tn, members.ID, 1)
	if hits := e.rc.got("/members"); len(hits) != 1 || hits[0].Verified != nil || !strings.Contains(string(hits[0].Body), `"member.removed"`) {
		t.Errorf("/members got %d requests, want the member.removed event only", len(hits))
	}
}

func testRetry(t *testing.T, e *env) {
	tn := e.tenant(t, "flaky")
	wh := e.register(t, tn, "/flaky")
	e.rc.on("/flaky", func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	d, f := e.dispatcher(t, nil, func(c *webhook.Config) { c.Retries = []time.Duration{50 * time.Millisecond} }, tn)
	f.add(tn.ID, "project.created")
	d.Notify(tn.ID)
	ds := lastAttempt(t, e, tn, wh.ID, 2)
	if len(ds) != 2 || ds[0].Attempt != 2 || ds[0].Status != webhook.StatusSucceeded || ds[1].Attempt != 1 || ds[1].Status != webhook.StatusFailed ||
		ds[1].StatusCode == nil || *ds[1].StatusCode != 500 || ds[1].Error != "The endpoint answered 500." || ds[1].NextAttemptAt == nil || ds[0].MessageID != ds[1].MessageID {
		t.Fatalf("attempts: %+v, want attempt 1 failed with 500 and a next attempt, attempt 2 succeeded, one message", ds)
	}
	hits := e.rc.got("/flaky")
	if len(hits) != 2 || hits[0].ID != hits[1].ID || hits[0].Verified != nil || hits[1].Verified != nil {
		t.Errorf("receiver got %+v, want the same verified message twice", hits)
	}
}

func testTimeout(t *testing.T, e *env) {
	tn := e.tenant(t, "slow")
	wh := e.register(t, tn, "/slow")
	e.rc.on("/slow", func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	d, f := e.dispatcher(t, nil, func(c *webhook.Config) { c.Timeout = 300 * time.Millisecond }, tn)
	f.add(tn.ID, "project.created")
	d.Notify(tn.ID)
	ds := lastAttempt(t, e, tn, wh.ID, 1)
	if ds[0].Status != webhook.StatusFailed || ds[0].StatusCode != nil || ds[0].Error != "The endpoint did not answer within 300ms." || ds[0].NextAttemptAt != nil {
		t.Errorf("attempt: %+v, want failed for the timeout, with no answer and no retry left", ds[0])
	}
}

func testRedirect(t *testing.T, e *env) {
	tn := e.tenant(t, "redirect")
	wh := e.register(t, tn, "/redirect")
	e.rc.on("/redirect", func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, e.rc.URL+"/target", http.StatusFound)
	})
	d, f := e.dispatcher(t, nil, nil, tn)
	f.add(tn.ID, "project.created")
	d.Notify(tn.ID)
	ds := lastAttempt(t, e, tn, wh.ID, 1)
	if ds[0].Status != webhook.StatusFailed || ds[0].StatusCode == nil || *ds[0].StatusCode != 302 || !strings.Contains(ds[0].Error, "redirects are not followed") {
		t.Errorf("attempt: %+v, want failed with 302", ds[0])
	}
	if hits := e.rc.got("/target"); len(hits) != 0 {
		t.Errorf("the redirect's target got %d requests, want 0", len(hits))
	}
}

// testDialRefused registers an endpoint on the receiver's loopback origin
// while the operator allows it, then delivers with a server that no longer
// does: the address is refused when dialling.
func testDialRefused(t *testing.T, e *env) {
	tn := e.tenant(t, "private")
	wh := e.register(t, tn, "/private")
	d, f := e.dispatcher(t, nil, func(c *webhook.Config) { c.AllowOrigins = nil }, tn)
	f.add(tn.ID, "project.created")
	d.Notify(tn.ID)
	ds := lastAttempt(t, e, tn, wh.ID, 1)
	if ds[0].Status != webhook.StatusFailed || ds[0].StatusCode != nil || !strings.Contains(ds[0].Error, "not public") || strings.Contains(ds[0].Error, "127.0.0.1") {
		t.Errorf("attempt: %+v, want refused as not public, naming no address", ds[0])
	}
	if hits := e.rc.got("/private"); len(hits) != 0 {
		t.Errorf("the loopback receiver got %d requests, want 0", len(hits))
	}
}

func testDisable(t *testing.T, e *env) {
	tn := e.tenant(t, "down")
	wh := e.register(t, tn, "/down")
	up := make(chan struct{})
	e.rc.on("/down", func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-up:
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	d, f := e.dispatcher(t, nil, func(c *webhook.Config) { c.DisableAfter = 2 }, tn)
	for range 2 {
		f.add(tn.ID, "project.created")
	}
	d.Notify(tn.ID)
	var got webhook.Webhook
	eventually(t, wait, "the endpoint is disabled", func() bool {
		e.call(t, tn.Admin, tn.Slug, "GET", "/api/webhooks/"+wh.ID, nil, &got)
		return !got.Enabled
	})
	if got.Failures != 2 || got.DisabledReason == "" {
		t.Errorf("disabled endpoint: %+v, want 2 failures and a reason", got)
	}
	evs, _, err := e.store.Tenant(tn.ID).AuditEvents(context.Background(), tenantry.AuditFilter{Action: "webhook.disable"})
	if err != nil || len(evs) != 1 || evs[0].TargetID != wh.ID || evs[0].Actor.Type != tenantry.ActorSystem {
		t.Fatalf("webhook.disable audit: %+v, %v; want one by the system", evs, err)
	}
	// Disabled: nothing is delivered, not even later.
	f.add(tn.ID, "project.created")
	d.Notify(tn.ID)
	time.Sleep(300 * time.Millisecond)
	if hits := e.rc.got("/down"); len(hits) != 2 {
		t.Fatalf("disabled endpoint got %d requests, want 2", len(hits))
	}
	close(up)
	if e.call(t, tn.Owner, tn.Slug, "PATCH", "/api/webhooks/"+wh.ID, map[string]bool{"enabled": true}, &got); !got.Enabled || got.Failures != 0 {
		t.Fatalf("enable: %+v", got)
	}
	ev := f.add(tn.ID, "project.updated")
	d.Notify(tn.ID)
	eventually(t, wait, "the enabled endpoint gets the new event", func() bool { return len(e.rc.got("/down")) == 3 })
	time.Sleep(200 * time.Millisecond)
	hits := e.rc.got("/down")
	if len(hits) != 3 || !strings.Contains(string(hits[2].Body), ev.ID) {
		t.Errorf("after enabling: %d requests, want 3, the last the new event (the one made while disabled is not sent)", len(hits))
	}
	if evs, _, _ := e.store.Tenant(tn.ID).AuditEvents(context.Background(), tenantry.AuditFilter{Action: "webhook.enable"}); len(evs) != 1 {
		t.Errorf("webhook.enable audit events: %d, want 1", len(evs))
	}
}

// testHanging gives tenant A a receiver that never answers and more events
// than its slots, and checks that tenant B's event is delivered at once.
func testHanging(t *testing.T, e *env) {
	a, b := e.tenant(t, "hang-a"), e.tenant(t, "hang-b")
	e.register(t, a, "/hang")
	e.register(t, b, "/fast")
	release := make(chan struct{})
	e.rc.on("/hang", func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	d, f := e.dispatcher(t, nil, func(c *webhook.Config) { c.Concurrency = 2; c.Timeout = time.Minute }, a, b)
	t.Cleanup(func() { close(release) })
	for range 6 {
		f.add(a.ID, "project.created")
	}
	d.Notify(a.ID)
	eventually(t, wait, "tenant A's slots are taken", func() bool { return len(e.rc.got("/hang")) == 2 })
	start := time.Now()
	f.add(b.ID, "project.created")
	d.Notify(b.ID)
	eventually(t, wait, "tenant B's event arrives", func() bool { return len(e.rc.got("/fast")) == 1 })
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("tenant B's delivery took %v behind tenant A's hanging receiver", took)
	}
	if n := len(e.rc.got("/hang")); n != 2 {
		t.Errorf("tenant A has %d requests at its hanging receiver, want its cap of 2", n)
	}
}

// testRestart stops a dispatcher while its attempt hangs: the attempt is
// released, and the next dispatcher (the process after a restart) sends it
// again, with the same message id.
func testRestart(t *testing.T, e *env) {
	tn := e.tenant(t, "restart")
	wh := e.register(t, tn, "/hold")
	e.rc.on("/hold", func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			<-r.Context().Done()
		}
	})
	d1, f := e.dispatcher(t, nil, func(c *webhook.Config) { c.Timeout = time.Minute })
	f.add(tn.ID, "project.created")
	d1.Notify(tn.ID)
	eventually(t, wait, "the first attempt arrives", func() bool { return len(e.rc.got("/hold")) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := d1.Close(ctx); err == nil {
		t.Errorf("Close returned nil with an attempt still hanging")
	}
	if ds := e.deliveries(t, tn, wh.ID); len(ds) != 1 || ds[0].Status != webhook.StatusPending {
		t.Fatalf("after the shutdown: %+v, want one pending attempt", ds)
	}
	e.dispatcher(t, f, nil, tn) // the walk at start finds it
	ds := lastAttempt(t, e, tn, wh.ID, 1)
	hits := e.rc.got("/hold")
	if len(ds) != 1 || ds[0].Status != webhook.StatusSucceeded || len(hits) != 2 || hits[0].ID != hits[1].ID {
		t.Errorf("after the restart: attempts %+v, %d requests; want one attempt succeeded, the same message sent again", ds, len(hits))
	}
}

// testTwoDispatchers runs two dispatchers on one database and outbox:
// every event reaches the receiver once.
func testTwoDispatchers(t *testing.T, e *env) {
	tn := e.tenant(t, "twice")
	e.register(t, tn, "/once")
	d1, f := e.dispatcher(t, nil, nil, tn)
	d2, _ := e.dispatcher(t, f, nil)
	const n = 30
	for range n {
		f.add(tn.ID, "project.created")
		d1.Notify(tn.ID)
		d2.Notify(tn.ID)
	}
	eventually(t, wait, "every event arrives", func() bool { return len(e.rc.got("/once")) >= n })
	time.Sleep(300 * time.Millisecond)
	seen := map[string]bool{}
	for _, h := range e.rc.got("/once") {
		if seen[h.ID] || h.Verified != nil {
			t.Errorf("message %s arrived twice or unverified (%v)", h.ID, h.Verified)
		}
		seen[h.ID] = true
	}
	if len(seen) != n {
		t.Errorf("%d messages arrived, want %d", len(seen), n)
	}
}
