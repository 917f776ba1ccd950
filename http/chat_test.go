package http

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestChat(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "pro")
	g := e.newFixture(t, "globex", "pro")
	e.must(t, f.Owner, "PATCH", "/api/settings", map[string]any{"welcome": "Welcome to Acme"}, 200, nil)
	var sess struct {
		SessionID string `json:"session_id"`
		Tenant    struct {
			ID, Slug, Name, Welcome string
		} `json:"tenant"`
	}
	e.must(t, f.Member, "POST", "/api/sessions", nil, 201, &sess)
	if sess.SessionID == "" || sess.Tenant.ID != f.Tenant.ID || sess.Tenant.Slug != "acme" || sess.Tenant.Name != f.Tenant.Name || sess.Tenant.Welcome != "Welcome to Acme" {
		t.Fatalf("got %+v, want a session of acme with its welcome", sess)
	}

	e.run(t, []apiCase{
		{name: "chat", as: f.Member, method: "POST", path: "/api/chat", body: map[string]any{"session_id": sess.SessionID, "message": "hello"}, want: 200, check: func(t *testing.T, r resp) {
			var got tenantry.ChatAnswer
			r.decode(t, &got)
			want := tenantry.ChatAnswer{TenantID: f.Tenant.ID, SessionID: sess.SessionID, Reply: "echo: hello", Model: "echo"}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		}},
		{name: "chat no message", as: f.Member, method: "POST", path: "/api/chat", body: map[string]any{"session_id": sess.SessionID}, want: 422, code: "validation_failed", field: "message"},
		{name: "chat no session", as: f.Member, method: "POST", path: "/api/chat", body: map[string]any{"message": "x"}, want: 422, code: "validation_failed", field: "session_id"},
		{name: "chat other tenant", as: g.Owner, method: "POST", path: "/api/chat", body: map[string]any{"session_id": sess.SessionID, "message": "steal"}, want: 403, code: "forbidden", check: func(t *testing.T, r resp) {
			var e errorEnvelope
			r.decode(t, &e)
			if e.Error.Message != "session does not belong to tenant" {
				t.Errorf("got message %q", e.Error.Message)
			}
		}},
		{name: "messages", as: f.Member, method: "GET", path: "/api/sessions/" + sess.SessionID + "/messages", want: 200, check: func(t *testing.T, r resp) {
			items, _ := listOf[tenantry.ChatMessage](t, r)
			if len(items) != 2 || items[0].Content != "hello" || items[1].Content != "echo: hello" {
				t.Errorf("got %+v, want the question and the answer", items)
			}
		}},
		{name: "messages other tenant", as: g.Owner, method: "GET", path: "/api/sessions/" + sess.SessionID + "/messages", want: 403, code: "forbidden"},
		{name: "unauthenticated", as: caller{Tenant: "acme"}, method: "POST", path: "/api/sessions", want: 401, code: "unauthenticated"},
		{name: "session empty object", as: f.Member, method: "POST", path: "/api/sessions", body: map[string]any{}, want: 201},
		{name: "session body tenant_id", as: f.Member, method: "POST", path: "/api/sessions", body: map[string]any{"tenant_id": "globex"}, want: 422, code: "validation_failed", field: "tenant_id"},
		{name: "session malformed body", as: f.Member, method: "POST", path: "/api/sessions", body: rawBody{Data: "{nope"}, want: 400, code: "bad_request"},
		{name: "session non-JSON body", as: f.Member, method: "POST", path: "/api/sessions", body: rawBody{Data: "x=1", ContentType: "application/x-www-form-urlencoded"}, want: 415, code: "unsupported_media_type"},
	})
}

func TestChatUnavailable(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t, func(c *Config) { c.Assistant = nil })
	f := e.newFixture(t, "acme", "free")
	e.run(t, []apiCase{
		{name: "session", as: f.Member, method: "POST", path: "/api/sessions", want: 503, code: "unavailable"},
		{name: "chat", as: f.Member, method: "POST", path: "/api/chat", body: map[string]any{"session_id": "x", "message": "y"}, want: 503, code: "unavailable"},
		{name: "messages", as: f.Member, method: "GET", path: "/api/sessions/x/messages", want: 503, code: "unavailable"},
	})
}
