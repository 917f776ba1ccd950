package ui_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
	"github.com/tenantry/tenantry/ui"
)

// outbox is a Mailer that records what it is sent.
type outbox struct {
	mu   sync.Mutex
	msgs []tenantry.Message
}

func (o *outbox) Send(_ context.Context, m tenantry.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

func (o *outbox) to(addr string) []tenantry.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []tenantry.Message
	for _, m := range o.msgs {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// newMailEnv is newEnv with an auth service that mails into an outbox,
// links under https://app.example.com.
func newMailEnv(tb testing.TB) (*env, *outbox) {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "db"), tenantry.DefaultPlans(), projects.Extension())
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	box := &outbox{}
	cheap := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := auth.New(db, auth.Config{Secret: []byte("ui-test-secret-ui-test-secret-ui"), Params: &cheap, Mailer: box, PublicURL: "https://app.example.com"})
	sessions := inmem.NewBrowserSessions(0, 0)
	h := ui.New(ui.Config{
		Store:     db,
		Auth:      a,
		Plans:     tenantry.DefaultPlans(),
		Assistant: assistant.New(db, tenantry.DefaultPlans(), inmem.NewRateLimiter(inmem.RateLimiterOptions{}), nil),
		Sessions:  sessions,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return &env{Store: db, Auth: a, Sessions: sessions, Handler: h, Server: srv}, box
}

var resetPath = regexp.MustCompile(`https://app\.example\.com(/reset-password\?token=pr_[A-Za-z0-9_-]{43})`)

func TestForgotPasswordPages(t *testing.T) {
	e, box := newMailEnv(t)
	signedIn := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	c := e.newClient(t)

	login := c.get("/login")
	mustStatus(t, "login", login, http.StatusOK)
	mustContain(t, "login", login.Body, `href="/forgot-password"`, "Forgot your password?")
	mustContain(t, "tenant login", c.get("/t/acme/login").Body, `href="/t/acme/forgot-password"`)
	mustContain(t, "forgot form", c.get("/forgot-password").Body, `action="/forgot-password"`, `name="email"`)

	unknown := c.post("/forgot-password", url.Values{"email": {"nobody@acme.test"}})
	known := c.post("/forgot-password", url.Values{"email": {"Ann@Acme.test"}})
	for name, r := range map[string]*response{"unknown": unknown, "known": known} {
		mustStatus(t, name, r, http.StatusOK)
		mustContain(t, name, r.Body, `data-testid="reset-sent"`, "If an account has the address")
	}
	if len(box.to("nobody@acme.test")) != 0 {
		t.Errorf("mail to an unknown address")
	}
	msgs := box.to("ann@acme.test")
	if len(msgs) != 1 {
		t.Fatalf("mail to ann: got %d messages, want 1", len(msgs))
	}
	m := resetPath.FindStringSubmatch(msgs[0].Text)
	if m == nil {
		t.Fatalf("no reset link in %q", msgs[0].Text)
	}
	page := c.get(m[1])
	mustStatus(t, "reset page", page, http.StatusOK)
	token := strings.TrimPrefix(m[1], "/reset-password?token=")
	mustContain(t, "reset page", page.Body, `name="token" value="`+token+`"`, `name="password"`, `name="confirm"`)

	tests := []struct {
		name, password, confirm string
		want                    int
		text                    string
	}{
		{"mismatch", "brand new password", "brand new passw0rd", http.StatusUnprocessableEntity, "Password does not match the repeated password"},
		{"short", "short", "short", http.StatusUnprocessableEntity, "Password must be at least 8 characters"},
	}
	for _, tt := range tests {
		r := c.post("/reset-password", url.Values{"token": {token}, "password": {tt.password}, "confirm": {tt.confirm}})
		mustStatus(t, tt.name, r, tt.want)
		mustContain(t, tt.name, html.UnescapeString(r.Body), `role="alert"`, tt.text)
	}
	// Ann resets from the browser she is signed in with: it is signed out.
	r := signedIn.post("/reset-password", url.Values{"token": {token}, "password": {"brand new password"}, "confirm": {"brand new password"}})
	mustStatus(t, "reset", r, http.StatusSeeOther)
	if r.Location != "/login?reset=done" {
		t.Errorf("reset redirect: got %q, want /login?reset=done", r.Location)
	}
	mustContain(t, "after reset", signedIn.get(r.Location).Body, "Your password is set.")
	if got := signedIn.get("/t/acme/"); got.Status != http.StatusSeeOther {
		t.Errorf("dashboard after the reset: got %d, want 303 to sign in", got.Status)
	}
	again := c.post("/reset-password", url.Values{"token": {token}, "password": {"third password"}, "confirm": {"third password"}})
	mustStatus(t, "reused link", again, http.StatusUnauthorized)
	mustContain(t, "reused link", again.Body, "invalid, used or expired")
	bad := c.post("/login", url.Values{"email": {"ann@acme.test"}, "password": {testPassword}})
	mustStatus(t, "old password", bad, http.StatusUnauthorized)
	good := c.post("/login", url.Values{"email": {"ann@acme.test"}, "password": {"brand new password"}})
	mustStatus(t, "new password", good, http.StatusSeeOther)
}

func TestInvitationMailedWithCopyButton(t *testing.T) {
	e, box := newMailEnv(t)
	owner := e.signup(t, "owner@acme.test", "Owner", "Acme", "acme")
	r := owner.post("/t/acme/members/invite", url.Values{"email": {"Bob@Acme.test"}, "role": {"member"}})
	mustStatus(t, "invite", r, http.StatusSeeOther)
	page := owner.get("/t/acme/members")
	mustStatus(t, "members", page, http.StatusOK)
	mustContain(t, "members", page.Body, "e-mailed to bob@acme.test", `data-copy="secret"`, `src="/static/copy.js"`)
	link := regexp.MustCompile(`value="(http[^"]+/invitations/(inv_[^"]+))"`).FindStringSubmatch(page.Body)
	if link == nil {
		t.Fatalf("no invitation link on the members page")
	}
	msgs := box.to("bob@acme.test")
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "https://app.example.com/invitations/"+link[2]) || !strings.Contains(msgs[0].Subject, "Acme") {
		t.Errorf("invitation mail: got %+v, want one to bob@acme.test with the link of token %s", msgs, link[2])
	}
	js := owner.get("/static/copy.js")
	mustStatus(t, "copy.js", js, http.StatusOK)
	mustContain(t, "copy.js", js.Body, "data-copy", "clipboard")
}

func TestResetSignsOutEveryBrowser(t *testing.T) {
	e, box := newMailEnv(t)
	first := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	second := e.login(t, "ann@acme.test")
	bystander := e.signup(t, "bob@bob.test", "Bob", "Bob Inc", "bob")
	for name, c := range map[string]*client{"first": first, "second": second} {
		mustStatus(t, name+" before the reset", c.get("/t/acme/"), http.StatusOK)
	}

	// The reset is made from a third browser, not signed in.
	c := e.newClient(t)
	mustStatus(t, "forgot", c.post("/forgot-password", url.Values{"email": {"ann@acme.test"}}), http.StatusOK)
	msgs := box.to("ann@acme.test")
	if len(msgs) != 1 {
		t.Fatalf("mail to ann: got %d messages, want 1", len(msgs))
	}
	m := resetPath.FindStringSubmatch(msgs[0].Text)
	if m == nil {
		t.Fatalf("no reset link in %q", msgs[0].Text)
	}
	token := strings.TrimPrefix(m[1], "/reset-password?token=")
	r := c.post("/reset-password", url.Values{"token": {token}, "password": {"brand new password"}, "confirm": {"brand new password"}})
	mustStatus(t, "reset", r, http.StatusSeeOther)

	tests := []struct {
		name   string
		c      *client
		path   string
		status int
	}{
		{"first browser", first, "/t/acme/", http.StatusSeeOther},
		{"second browser", second, "/t/acme/", http.StatusSeeOther},
		{"another user", bystander, "/t/bob/", http.StatusOK},
	}
	for _, tt := range tests {
		got := tt.c.get(tt.path)
		if got.Status != tt.status {
			t.Errorf("%s: GET %s after the reset: got %d, want %d", tt.name, tt.path, got.Status, tt.status)
		}
		if tt.status == http.StatusSeeOther && !strings.HasPrefix(got.Location, "/t/acme/login") {
			t.Errorf("%s: redirect after the reset: got %q, want the sign-in page", tt.name, got.Location)
		}
	}
}
