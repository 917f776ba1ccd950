package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	api "github.com/tenantry/tenantry/http"
	"github.com/tenantry/tenantry/tenantrytest"
	"github.com/tenantry/tenantry/webhook"
)

// serverSecret is the test server's signing secret.
var serverSecret = []byte("webhook-test-secret-webhook-test-secret")

// feed is an outbox the tests write at will (events of any type, at any
// moment), read by the dispatchers through the same tenantry.EventStore
// interface as the store's; TestDeliveryFromTheOutbox runs on the store's
// own outbox.
type feed struct {
	mu     sync.Mutex
	events map[string][]*tenantry.Event
}

func newFeed() *feed { return &feed{events: map[string][]*tenantry.Event{}} }

// add appends an event of type typ to the tenant's outbox.
func (f *feed) add(tenantID, typ string) *tenantry.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev := &tenantry.Event{Seq: int64(len(f.events[tenantID]) + 1), ID: tenantry.NewID(), TenantID: tenantID, Type: typ,
		Actor: tenantry.AuditActor{Type: tenantry.ActorUser, ID: tenantry.NewID()}, TargetType: "project", TargetID: tenantry.NewID(),
		Data: json.RawMessage(`{"name":"Website"}`), At: time.Now().UTC()}
	f.events[tenantID] = append(f.events[tenantID], ev)
	return ev
}

// store returns the tenant's outbox as an EventStore.
func (f *feed) store(ts tenantry.TenantStore) tenantry.EventStore { return feedStore{f, ts.ID()} }

type feedStore struct {
	f        *feed
	tenantID string
}

func (s feedStore) LatestEventSeq(context.Context) (int64, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	return int64(len(s.f.events[s.tenantID])), nil
}

func (s feedStore) Events(_ context.Context, after int64, limit int) ([]*tenantry.Event, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	var out []*tenantry.Event
	for _, ev := range s.f.events[s.tenantID] {
		if ev.Seq > after && len(out) < limit {
			out = append(out, ev)
		}
	}
	return out, nil
}

// verify checks a delivery the way the Standard Webhooks specification
// tells a receiver to, written here from the specification rather than
// with the package's Sign: the key is the base64 after "whsec_", the
// signed content "id.timestamp.body", the signature one of the
// space-separated "v1,<base64 HMAC-SHA256>" values, and the timestamp
// within five minutes.
func verify(secret string, h http.Header, body []byte) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return errors.New("missing webhook headers")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("timestamp %q out of tolerance", ts)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, s := range strings.Fields(sigs) {
		if v, sig, ok := strings.Cut(s, ","); ok && v == "v1" && hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return errors.New("no signature matches")
}

// hit is one request the receiver got.
type hit struct {
	ID       string
	Body     []byte
	Verified error
}

// receiver is a local endpoint: each path is an endpoint with its own
// behaviour, and every request is verified with the path's secret.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	secrets map[string]string
	hits    map[string][]hit
	answer  map[string]func(w http.ResponseWriter, r *http.Request, n int)
	// arrived receives the path of each request as it arrives.
	arrived chan string
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{secrets: map[string]string{}, hits: map[string][]hit{}, answer: map[string]func(http.ResponseWriter, *http.Request, int){},
		arrived: make(chan string, 1000)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		h := hit{ID: r.Header.Get("webhook-id"), Body: body, Verified: verify(rc.secrets[r.URL.Path], r.Header, body)}
		rc.hits[r.URL.Path] = append(rc.hits[r.URL.Path], h)
		n, answer := len(rc.hits[r.URL.Path]), rc.answer[r.URL.Path]
		rc.mu.Unlock()
		rc.arrived <- r.URL.Path
		if answer == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		answer(w, r, n)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// on sets how path answers its n-th request (from 1).
func (rc *receiver) on(path string, answer func(w http.ResponseWriter, r *http.Request, n int)) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.answer[path] = answer
}

// got returns the requests path received.
func (rc *receiver) got(path string) []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hit(nil), rc.hits[path]...)
}

// env is a store on one backend with Tenantry's API and the webhook
// routes, and a receiver whose origin the operator allows.
type env struct {
	store tenantry.Store
	auth  *auth.Service
	api   *httptest.Server
	rc    *receiver
}

func newEnv(t *testing.T, b tenantrytest.Backend) *env {
	store := b.Open(t)
	rc := newReceiver(t)
	svc, err := webhook.New(webhook.Config{Secret: serverSecret, AllowOrigins: []string{rc.URL}})
	if err != nil {
		t.Fatal(err)
	}
	cheap := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := auth.New(store, auth.Config{Secret: serverSecret, Params: &cheap})
	plans := tenantry.DefaultPlans().WithExtensions([]tenantry.Extension{webhook.Extension()})
	srv := httptest.NewServer(api.NewServer(api.Config{Store: store, Auth: a, Plans: plans, Routes: svc.Routes(), Extensions: []tenantry.Extension{webhook.Extension()},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(srv.Close)
	return &env{store: store, auth: a, api: srv, rc: rc}
}

// tenant is a tenant of the tests with a user of each role.
type tenant struct {
	ID, Slug             string
	Owner, Admin, Member string // access tokens
}

// tenant signs up an owner of a new tenant, and an admin and a member.
func (e *env) tenant(t *testing.T, slug string) tenant {
	ctx := context.Background()
	s, err := e.auth.Signup(ctx, auth.SignupInput{Email: "owner@" + slug + ".test", Password: "long enough", Name: slug, TenantName: slug, TenantSlug: slug})
	if err != nil {
		t.Fatal(err)
	}
	tn := tenant{ID: s.DefaultTenant.ID, Slug: slug, Owner: s.AccessToken}
	for _, role := range []tenantry.Role{tenantry.RoleAdmin, tenantry.RoleMember} {
		u, err := e.auth.Signup(ctx, auth.SignupInput{Email: string(role) + "@" + slug + ".test", Password: "long enough", Name: string(role)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Tenant(tn.ID).AddMember(ctx, u.User.ID, role); err != nil {
			t.Fatal(err)
		}
		if role == tenantry.RoleAdmin {
			tn.Admin = u.AccessToken
		} else {
			tn.Member = u.AccessToken
		}
	}
	return tn
}

// call sends a request to the API as token in tenant and decodes the
// answer into out (when not nil); it returns the status.
func (e *env) call(t *testing.T, token, tenantSlug, method, path string, body, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.api.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Tenant-ID", tenantSlug)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return res.StatusCode
}

// register registers an endpoint on the receiver's path for tn, tells the
// receiver its secret, and returns it.
func (e *env) register(t *testing.T, tn tenant, path string, events ...string) webhook.Created {
	t.Helper()
	if len(events) == 0 {
		events = []string{"*"}
	}
	var c webhook.Created
	if got := e.call(t, tn.Owner, tn.Slug, "POST", "/api/webhooks", webhook.Input{URL: e.rc.URL + path, Events: events}, &c); got != http.StatusCreated {
		t.Fatalf("register %s: got %d, want 201", path, got)
	}
	e.rc.mu.Lock()
	e.rc.secrets[path] = c.Secret
	e.rc.mu.Unlock()
	return c
}

// dispatcher starts a dispatcher on the env's store reading events from f
// (a new feed when nil), with short timings changed by opts; it is closed,
// and the tenants given suspended (so that no later dispatcher takes their
// work), when the test ends.
func (e *env) dispatcher(t *testing.T, f *feed, opts func(*webhook.Config), quiet ...tenant) (*webhook.Dispatcher, *feed) {
	if f == nil {
		f = newFeed()
	}
	cfg := webhook.Config{Secret: serverSecret, AllowOrigins: []string{e.rc.URL}, Timeout: 2 * time.Second, Retries: []time.Duration{},
		Jitter: -1, SweepInterval: time.Hour, Events: f.store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if opts != nil {
		opts(&cfg)
	}
	svc, err := webhook.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := svc.Dispatcher(e.store)
	d.Start()
	t.Cleanup(func() {
		for _, tn := range quiet {
			if _, err := e.store.Platform().SetTenantStatus(context.Background(), tn.ID, tenantry.TenantSuspended); err != nil {
				t.Error(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d.Close(ctx)
	})
	return d, f
}

// deliveries lists an endpoint's attempts through the API, newest first.
func (e *env) deliveries(t *testing.T, tn tenant, id string) []webhook.Delivery {
	t.Helper()
	var page struct {
		Items []webhook.Delivery `json:"items"`
	}
	if got := e.call(t, tn.Admin, tn.Slug, "GET", "/api/webhooks/"+id+"/deliveries", nil, &page); got != http.StatusOK {
		t.Fatalf("deliveries: got %d", got)
	}
	return page.Items
}

// eventually polls cond every 20 ms until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
