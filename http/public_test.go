package http

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/registry"
)

// newPublicEnv starts a server on store with the real assistant (built-in
// models) and an in-process rate limiter shared by both, plus opts.
func newPublicEnv(tb testing.TB, store tenantry.Store, opts ...func(*Config)) *testEnv {
	tb.Helper()
	lim := inmem.NewRateLimiter(inmem.RateLimiterOptions{})
	return newTestEnv(tb, store, append([]func(*Config){func(c *Config) {
		c.Limiter = lim
		c.Assistant = assistant.New(store, c.Plans, lim, nil)
	}}, opts...)...)
}

// seedPublicTutorial applies examples/public-tenants.jsonl, the tutorial's
// three tenants with their public assistant on.
func seedPublicTutorial(tb testing.TB, store tenantry.Store) {
	tb.Helper()
	f, err := os.Open("../examples/public-tenants.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	entries, err := registry.Parse(f)
	if err != nil {
		tb.Fatal(err)
	}
	if _, _, err := registry.Apply(context.Background(), store.Platform(), store, entries); err != nil {
		tb.Fatal(err)
	}
}

// visitorReq is an anonymous request: no credentials, an optional Host
// and X-Tenant-ID.
type visitorReq struct {
	Host   string
	Tenant string
}

// visit sends an anonymous JSON POST to path as v.
func (e *testEnv) visit(tb testing.TB, v visitorReq, path string, body any) resp {
	tb.Helper()
	var rd io.Reader = http.NoBody
	ct := ""
	switch b := body.(type) {
	case nil:
	case rawBody:
		rd, ct = strings.NewReader(b.Data), b.ContentType
		if ct == "" {
			ct = "application/json"
		}
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		rd, ct = bytes.NewReader(buf), "application/json"
	}
	req, err := http.NewRequest("POST", e.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if v.Host != "" {
		req.Host = v.Host
	}
	if v.Tenant != "" {
		req.Header.Set("X-Tenant-ID", v.Tenant)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// publicSession is the answer of POST /api/public/session.
type publicSession struct {
	SessionID string        `json:"session_id"`
	Tenant    sessionTenant `json:"tenant"`
}

// startVisitor starts a visitor session as v with body and returns it.
func (e *testEnv) startVisitor(tb testing.TB, v visitorReq, path string, body any) publicSession {
	tb.Helper()
	r := e.visit(tb, v, path, body)
	if r.Status != http.StatusCreated {
		tb.Fatalf("POST %s: got status %d, want 201; body %s", path, r.Status, r.Body)
	}
	var s publicSession
	r.decode(tb, &s)
	if s.SessionID == "" {
		tb.Fatalf("POST %s: got no session_id; body %s", path, r.Body)
	}
	return s
}

// TestPublicAssistantTutorial runs the FastAPI tutorial's curl flow against
// the public assistant, on both backends: a session for each tenant, by its
// host, by a /t/{slug}/ path and by the body's tenant_id alone (the
// tutorial's own request), a chat with each tenant's model, and the
// cross-tenant check that must be 403.
func TestPublicAssistantTutorial(t *testing.T) {
	t.Parallel()
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			store := b.open(t)
			seedPublicTutorial(t, store)
			e := newPublicEnv(t, store)

			acme := e.startVisitor(t, visitorReq{Host: "acme.localhost:8080"}, "/api/public/session", map[string]any{"tenant_id": "acme"})
			globex := e.startVisitor(t, visitorReq{}, "/t/globex/api/public/session", map[string]any{"tenant_id": "globex"})
			initech := e.startVisitor(t, visitorReq{}, "/api/public/session", map[string]any{"tenant_id": "initech"})
			for _, tc := range []struct {
				got                 publicSession
				slug, name, welcome string
			}{
				{acme, "acme", "Acme Corp", "Howdy from Acme!"},
				{globex, "globex", "Globex Inc.", "Welcome from Globex."},
				{initech, "initech", "Initech", "Initech says hi."},
			} {
				tn, err := store.TenantBySlug(t.Context(), tc.slug)
				if err != nil {
					t.Fatal(err)
				}
				want := sessionTenant{ID: tn.ID, Slug: tc.slug, Name: tc.name, Welcome: tc.welcome}
				if tc.got.Tenant != want {
					t.Errorf("session of %s: got tenant %+v, want %+v", tc.slug, tc.got.Tenant, want)
				}
			}

			chats := []struct {
				name    string
				v       visitorReq
				path    string
				tenant  string
				session string
				message string
				reply   string
				model   string
			}{
				{"acme by host", visitorReq{Host: "acme.localhost:8080"}, "/api/public/chat", "acme", acme.SessionID, "hello from acme",
					"Howdy from Acme! [ACME MOCK] You said: 'hello from acme'. Here's it reversed: 'emca morf olleh'", "mock-1"},
				{"globex by path", visitorReq{}, "/t/globex/api/public/chat", "globex", globex.SessionID, "hello from globex",
					"Welcome from Globex. [GLOBEX MOCK] Echo: HELLO FROM GLOBEX", "mock-2"},
				{"initech by body", visitorReq{}, "/api/public/chat", "initech", initech.SessionID, "hello from initech",
					"Initech says hi. [INITECH MOCK] Got it. 'hello from initech'. (pretend-smart summary).", "mock-3"},
			}
			for _, c := range chats {
				t.Run(c.name, func(t *testing.T) {
					r := e.visit(t, c.v, c.path, map[string]any{"tenant_id": c.tenant, "session_id": c.session, "message": c.message})
					if r.Status != http.StatusOK {
						t.Fatalf("got status %d, want 200; body %s", r.Status, r.Body)
					}
					var got tenantry.ChatAnswer
					r.decode(t, &got)
					tn, err := store.TenantBySlug(t.Context(), c.tenant)
					if err != nil {
						t.Fatal(err)
					}
					want := tenantry.ChatAnswer{TenantID: tn.ID, SessionID: c.session, Reply: c.reply, Model: c.model}
					if got != want {
						t.Errorf("got %+v, want %+v", got, want)
					}
				})
			}

			// The tutorial's cross-tenant safety check.
			r := e.visit(t, visitorReq{}, "/api/public/chat", map[string]any{"tenant_id": "globex", "session_id": acme.SessionID, "message": "should fail"})
			var env errorEnvelope
			r.decode(t, &env)
			if r.Status != http.StatusForbidden || env.Error.Code != "forbidden" || env.Error.Message != "session does not belong to tenant" {
				t.Errorf("acme's session under globex: got %d %s, want 403 forbidden \"session does not belong to tenant\"", r.Status, r.Body)
			}

			// Visitor chats count in the tenant's usage.
			tn, err := store.TenantBySlug(t.Context(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			u, err := store.Tenant(tn.ID).Usage(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := u.ChatMessagesToday, int64(1); got != want {
				t.Errorf("acme chat_messages_today: got %d, want %d", got, want)
			}
		})
	}
}

// TestPublicAssistantRules checks opting in and out, tenant resolution and
// its conflicts, status, bounds, and that visitors' and members' sessions
// stay apart, on both backends.
func TestPublicAssistantRules(t *testing.T) {
	t.Parallel()
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			store := b.open(t)
			e := newPublicEnv(t, store)
			acme := e.newFixture(t, "acme", "pro")
			globex := e.newFixture(t, "globex", "pro")
			e.newFixture(t, "private", "pro")
			off := e.newFixture(t, "off", "pro")
			for _, f := range []fixture{acme, globex} {
				e.must(t, f.Admin, "PATCH", "/api/settings", map[string]any{"public_assistant": true, "welcome": "Hi from " + f.Tenant.Slug}, 200, nil)
			}
			e.must(t, off.Owner, "PATCH", "/api/settings", map[string]any{"public_assistant": false}, 200, nil)
			if r := e.do(t, acme.Member, "PATCH", "/api/settings", map[string]any{"public_assistant": true}); r.Status != http.StatusForbidden {
				t.Errorf("a plain member turning the public assistant on: got %d, want 403", r.Status)
			}

			visitor := e.startVisitor(t, visitorReq{Host: "acme.localhost"}, "/api/public/session", nil)
			if visitor.Tenant.ID != acme.Tenant.ID || visitor.Tenant.Welcome != "Hi from acme" {
				t.Fatalf("got %+v, want a session of acme with its welcome", visitor)
			}
			var member struct {
				SessionID string `json:"session_id"`
			}
			e.must(t, acme.Owner, "POST", "/api/sessions", nil, 201, &member)
			e.must(t, acme.Owner, "POST", "/api/chat", map[string]any{"session_id": member.SessionID, "message": "members only"}, 200, nil)

			unknown := e.visit(t, visitorReq{}, "/api/public/session", map[string]any{"tenant_id": "nosuch"})
			hidden := func(t *testing.T, r resp) {
				if string(r.Body) != string(unknown.Body) {
					t.Errorf("got %s, want the same answer as for an unknown tenant: %s", r.Body, unknown.Body)
				}
			}
			longMsg := strings.Repeat("é", MaxVisitorMessageChars+1)
			chat := func(sid, msg string) map[string]any { return map[string]any{"session_id": sid, "message": msg} }
			cases := []struct {
				name  string
				v     visitorReq
				path  string
				body  any
				want  int
				code  string
				check func(t *testing.T, r resp)
			}{
				{"unknown tenant", visitorReq{}, "/api/public/session", map[string]any{"tenant_id": "nosuch"}, 404, "tenant_not_found", nil},
				{"never opted in", visitorReq{}, "/api/public/session", map[string]any{"tenant_id": "private"}, 404, "tenant_not_found", hidden},
				{"opted out", visitorReq{Tenant: "off"}, "/api/public/session", nil, 404, "tenant_not_found", hidden},
				{"opted out by host", visitorReq{Host: "private.localhost"}, "/api/public/chat", chat(visitor.SessionID, "hi"), 404, "tenant_not_found", hidden},
				{"opted out beside a public tenant", visitorReq{Host: "acme.localhost"}, "/api/public/session", map[string]any{"tenant_id": "private"}, 404, "tenant_not_found", hidden},
				{"no tenant", visitorReq{}, "/api/public/session", nil, 400, "tenant_required", nil},
				{"host and body conflict", visitorReq{Host: "acme.localhost"}, "/api/public/session", map[string]any{"tenant_id": "globex"}, 400, "tenant_conflict", nil},
				{"header and body conflict", visitorReq{Tenant: "globex"}, "/api/public/chat", map[string]any{"tenant_id": "acme", "session_id": visitor.SessionID, "message": "hi"}, 400, "tenant_conflict", nil},
				{"path and host conflict", visitorReq{Host: "globex.localhost"}, "/t/acme/api/public/session", nil, 400, "tenant_conflict", nil},
				{"same tenant from every source", visitorReq{Host: "acme.localhost", Tenant: acme.Tenant.ID}, "/t/acme/api/public/session", map[string]any{"tenant_id": "acme"}, 201, "", nil},
				{"visitor chat", visitorReq{Tenant: "acme"}, "/api/public/chat", chat(visitor.SessionID, "hello"), 200, "", func(t *testing.T, r resp) {
					var got tenantry.ChatAnswer
					r.decode(t, &got)
					if got.TenantID != acme.Tenant.ID || got.SessionID != visitor.SessionID || !strings.Contains(got.Reply, "olleh") {
						t.Errorf("got %+v, want acme's reversed reply", got)
					}
				}},
				{"visitor session under another tenant", visitorReq{Tenant: "globex"}, "/api/public/chat", chat(visitor.SessionID, "hi"), 403, "forbidden", func(t *testing.T, r resp) {
					var env errorEnvelope
					r.decode(t, &env)
					if env.Error.Message != "session does not belong to tenant" {
						t.Errorf("got message %q", env.Error.Message)
					}
				}},
				{"visitor in a member's session", visitorReq{Tenant: "acme"}, "/api/public/chat", chat(member.SessionID, "let me read"), 404, "not_found", nil},
				{"message required", visitorReq{Tenant: "acme"}, "/api/public/chat", chat(visitor.SessionID, " "), 422, "validation_failed", nil},
				{"session required", visitorReq{Tenant: "acme"}, "/api/public/chat", chat("", "hi"), 422, "validation_failed", nil},
				{"message too long", visitorReq{Tenant: "acme"}, "/api/public/chat", chat(visitor.SessionID, longMsg), 422, "validation_failed", nil},
				{"body too large", visitorReq{Tenant: "acme"}, "/api/public/chat", chat(visitor.SessionID, strings.Repeat("x", MaxPublicBodyBytes)), 413, "payload_too_large", nil},
				{"tenant_id not a string", visitorReq{}, "/api/public/session", rawBody{Data: `{"tenant_id":7}`}, 400, "bad_request", nil},
				{"malformed body", visitorReq{Tenant: "acme"}, "/api/public/session", rawBody{Data: `{nope`}, 400, "bad_request", nil},
				{"unknown field", visitorReq{Tenant: "acme"}, "/api/public/session", map[string]any{"user_id": "x"}, 422, "validation_failed", nil},
				{"not JSON", visitorReq{Tenant: "acme"}, "/api/public/session", rawBody{Data: "tenant_id=acme", ContentType: "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", nil},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					r := e.visit(t, tc.v, tc.path, tc.body)
					if r.Status != tc.want || r.errCode() != tc.code {
						t.Fatalf("got %d %q, want %d %q; body %s", r.Status, r.errCode(), tc.want, tc.code, r.Body)
					}
					if tc.check != nil {
						tc.check(t, r)
					}
				})
			}

			// Members' routes do not see visitors' sessions, whatever the role.
			e.run(t, []apiCase{
				{name: "owner continues a visitor session", as: acme.Owner, method: "POST", path: "/api/chat", body: chat(visitor.SessionID, "hijack"), want: 404, code: "not_found"},
				{name: "owner reads a visitor session", as: acme.Owner, method: "GET", path: "/api/sessions/" + visitor.SessionID + "/messages", want: 404, code: "not_found"},
				{name: "member reads a visitor session", as: acme.Member, method: "GET", path: "/api/sessions/" + visitor.SessionID + "/messages", want: 404, code: "not_found"},
				{name: "owner reads own session", as: acme.Owner, method: "GET", path: "/api/sessions/" + member.SessionID + "/messages", want: 200, check: func(t *testing.T, r resp) {
					items, _ := listOf[tenantry.ChatMessage](t, r)
					if len(items) != 2 || items[0].Content != "members only" {
						t.Errorf("got %+v, want only the owner's question and its answer", items)
					}
				}},
				{name: "public_assistant not a boolean", as: acme.Owner, method: "PATCH", path: "/api/settings", body: map[string]any{"public_assistant": "yes"}, want: 422, code: "validation_failed"},
			})

			// A suspended tenant refuses visitors as it refuses members.
			e.must(t, e.admin(t), "POST", "/api/admin/tenants/globex/suspend", nil, 200, nil)
			if r := e.visit(t, visitorReq{Tenant: "globex"}, "/api/public/session", nil); r.Status != http.StatusForbidden || r.errCode() != "tenant_suspended" {
				t.Errorf("suspended tenant: got %d %s, want 403 tenant_suspended", r.Status, r.Body)
			}
		})
	}
}

// TestPublicAssistantLimits checks the per-address and per-tenant limits of
// visitors (429 with Retry-After; the address key carries the tenant) and
// that visitor chats go through the tenant's chat_per_10s.
func TestPublicAssistantLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     func(*Config)
		requests int
		message  string
	}{
		{"per address", func(c *Config) {
			c.PublicRatePerAddress = &tenantry.Rate{Events: 3, Per: time.Minute, Burst: 3}
		}, 3, "Too many requests from this address; try again later."},
		{"per tenant", func(c *Config) {
			c.PublicRatePerTenant = &tenantry.Rate{Events: 2, Per: time.Minute, Burst: 2}
		}, 2, "This tenant's public assistant is busy; try again later."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := openSQLite(t)
			seedPublicTutorial(t, store)
			e := newPublicEnv(t, store, tt.opts)
			for i := range tt.requests {
				if r := e.visit(t, visitorReq{}, "/api/public/session", map[string]any{"tenant_id": "acme"}); r.Status != http.StatusCreated {
					t.Fatalf("request %d: got %d %s, want 201", i+1, r.Status, r.Body)
				}
			}
			r := e.visit(t, visitorReq{}, "/api/public/session", map[string]any{"tenant_id": "acme"})
			var env errorEnvelope
			r.decode(t, &env)
			if r.Status != http.StatusTooManyRequests || env.Error.Code != "rate_limited" || env.Error.Message != tt.message {
				t.Fatalf("over the limit: got %d %s, want 429 rate_limited %q", r.Status, r.Body, tt.message)
			}
			if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Errorf("Retry-After: got %q, want a whole number of seconds >= 1", r.Header.Get("Retry-After"))
			}
			// Another tenant's visitors, from the same address, are not
			// affected.
			if r := e.visit(t, visitorReq{}, "/api/public/session", map[string]any{"tenant_id": "globex"}); r.Status != http.StatusCreated {
				t.Errorf("another tenant from the same address: got %d %s, want 201", r.Status, r.Body)
			}
		})
	}

	t.Run("chat_per_10s", func(t *testing.T) {
		t.Parallel()
		store := openSQLite(t)
		seedPublicTutorial(t, store) // globex allows 4 chat messages every 10 s
		e := newPublicEnv(t, store)
		s := e.startVisitor(t, visitorReq{}, "/api/public/session", map[string]any{"tenant_id": "globex"})
		for i := range 4 {
			if r := e.visit(t, visitorReq{}, "/api/public/chat", map[string]any{"tenant_id": "globex", "session_id": s.SessionID, "message": "hi"}); r.Status != http.StatusOK {
				t.Fatalf("chat %d: got %d %s, want 200", i+1, r.Status, r.Body)
			}
		}
		r := e.visit(t, visitorReq{}, "/api/public/chat", map[string]any{"tenant_id": "globex", "session_id": s.SessionID, "message": "hi"})
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("fifth chat in 10 s: got %d %s (Retry-After %q), want 429 with Retry-After", r.Status, r.Body, r.Header.Get("Retry-After"))
		}
	})
}

// FuzzPublicTenantRef checks that the tenant reference read from a public
// assistant body is the object's tenant_id string, trimmed, and that
// anything else is bad_request, never a panic.
func FuzzPublicTenantRef(f *testing.F) {
	f.Add(`{"tenant_id":"acme"}`)
	f.Add(`{"tenant_id":" globex ","session_id":"x","message":"hi"}`)
	f.Add(`{"tenant_id":7}`)
	f.Add(`{"tenant_id":null}`)
	f.Add(`[{"tenant_id":"acme"}]`)
	f.Add(`null`)
	f.Add(`  `)
	f.Add(`{"tenant_id":"a","tenant_id":"b"}`)
	f.Add("{\"tenant_id\":\"\\u0000\"}")
	f.Add(`{"Tenant_ID":"acme"}`)
	f.Fuzz(func(t *testing.T, body string) {
		got, err := publicTenantRef([]byte(body))
		var obj map[string]any
		isObject := json.Unmarshal([]byte(body), &obj) == nil && obj != nil
		for k := range obj {
			if k != "tenant_id" && strings.EqualFold(k, "tenant_id") {
				return // encoding/json matches such keys too; no simple oracle
			}
		}
		if strings.TrimSpace(body) == "" {
			if got != "" || err != nil {
				t.Fatalf("empty body: got %q, %v; want nothing", got, err)
			}
			return
		}
		if err != nil {
			if code := tenantry.ErrorCode(err); code != tenantry.EBADREQUEST {
				t.Fatalf("got code %q, want bad_request", code)
			}
			if s, isString := obj["tenant_id"].(string); isObject && (isString || obj["tenant_id"] == nil) {
				t.Fatalf("object with tenant_id %q refused: %v", s, err)
			}
			return
		}
		if !isObject {
			t.Fatalf("body %q is no JSON object, got %q and no error", body, got)
		}
		want, _ := obj["tenant_id"].(string)
		if got != strings.TrimSpace(want) {
			t.Fatalf("got %q, want %q", got, strings.TrimSpace(want))
		}
	})
}

// TestPublicAssistantCORS checks that a tenant's website, listed in its
// cors_origins, may call the public assistant from a browser on the
// tenant's host or /t/{slug}/ path, and another site may not.
func TestPublicAssistantCORS(t *testing.T) {
	t.Parallel()
	store := openSQLite(t)
	seedPublicTutorial(t, store)
	e := newPublicEnv(t, store)
	admin := e.admin(t)
	e.must(t, admin, "PATCH", "/api/admin/tenants/acme", map[string]any{"settings": map[string]any{"cors_origins": []string{"https://www.acme.example"}}}, 200, nil)
	tests := []struct {
		name, host, path, origin, want string
	}{
		{"tenant host", "acme.localhost", "/api/public/chat", "https://www.acme.example", "https://www.acme.example"},
		{"tenant path", "", "/t/acme/api/public/session", "https://www.acme.example", "https://www.acme.example"},
		{"another site", "acme.localhost", "/api/public/chat", "https://evil.example", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("OPTIONS", e.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "Content-Type")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != tt.want {
				t.Errorf("Access-Control-Allow-Origin: got %q, want %q", got, tt.want)
			}
		})
	}
}
