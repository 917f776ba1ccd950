package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/sqlite"
)

// newTestHandler returns a handler over a fresh SQLite store with user
// ann@acme.test owning tenant acme, and tenant globex.
func newTestHandler(t *testing.T, secure bool) (*Handler, *MemorySessions) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"), tenantry.DefaultPlans())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cheap := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := auth.New(db, auth.Config{Secret: []byte("ui-test-secret-ui-test-secret-ui"), Params: &cheap})
	for _, in := range []auth.SignupInput{
		{Email: "ann@acme.test", Password: "correct horse battery", Name: "Ann", TenantName: "Acme", TenantSlug: "acme"},
		{Email: "gus@globex.test", Password: "correct horse battery", Name: "Gus", TenantName: "Globex", TenantSlug: "globex"},
	} {
		if _, err := a.Signup(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	ms := NewMemorySessions(0)
	h := New(Config{Store: db, Auth: a, Sessions: ms, Secure: secure, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return h, ms
}

// hit sends one request to h on host with cookie (may be nil).
func hit(h http.Handler, method, host, path string, form url.Values, cookie *http.Cookie) *http.Response {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, "http://"+host+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Result()
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signInOn signs ann in on host and returns the session cookie.
func signInOn(t *testing.T, h http.Handler, host, cookieName string) *http.Cookie {
	t.Helper()
	res := hit(h, "GET", host, "/login", nil, nil)
	anon := cookieOf(res, cookieName)
	b, _ := io.ReadAll(res.Body)
	m := csrfField.FindSubmatch(b)
	if anon == nil || m == nil {
		t.Fatalf("GET /login on %s: no session cookie or csrf token", host)
	}
	res = hit(h, "POST", host, "/login", url.Values{"email": {"ann@acme.test"}, "password": {"correct horse battery"}, "csrf": {string(m[1])}}, anon)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /login: got %d, want 303", res.StatusCode)
	}
	c := cookieOf(res, cookieName)
	if c == nil || c.Value == anon.Value {
		t.Fatalf("sign-in did not issue a new session cookie")
	}
	return c
}

// cookieOf returns the cookie named name set by res.
func cookieOf(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSessionBoundToHost(t *testing.T) {
	h, _ := newTestHandler(t, false)
	c := signInOn(t, h, "acme.localhost:8080", cookieInsecure)
	if res := hit(h, "GET", "acme.localhost:8080", "/", nil, c); res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard on the session's host: got %d, want 200", res.StatusCode)
	}
	// The same cookie presented to another tenant's host is ignored.
	res := hit(h, "GET", "globex.localhost:8080", "/", nil, c)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("dashboard on another host: got %d %q, want a redirect to sign in", res.StatusCode, res.Header.Get("Location"))
	}
	res = hit(h, "GET", "localhost:8080", "/", nil, c)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("central host with a tenant host's cookie: got %d, want 303", res.StatusCode)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	tests := []struct {
		secure bool
		name   string
	}{
		{false, cookieInsecure},
		{true, cookieSecure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := newTestHandler(t, tt.secure)
			res := hit(h, "GET", "acme.localhost", "/login", nil, nil)
			raw := res.Header.Get("Set-Cookie")
			if !strings.HasPrefix(raw, tt.name+"=") {
				t.Fatalf("Set-Cookie: got %q, want cookie %s", raw, tt.name)
			}
			for _, want := range []string{"Path=/", "HttpOnly", "SameSite=Lax"} {
				if !strings.Contains(raw, want) {
					t.Errorf("Set-Cookie %q lacks %s", raw, want)
				}
			}
			if strings.Contains(strings.ToLower(raw), "domain=") {
				t.Errorf("Set-Cookie %q has a Domain attribute", raw)
			}
			if got := strings.Contains(raw, "Secure"); got != tt.secure {
				t.Errorf("Secure in %q: got %v, want %v", raw, got, tt.secure)
			}
			c := cookieOf(res, tt.name)
			if len(c.Value) != 43 {
				t.Errorf("session id length: got %d, want 43 (256 bits)", len(c.Value))
			}
		})
	}
}

func TestSessionTLSRequestIsSecure(t *testing.T) {
	h, _ := newTestHandler(t, false)
	req := httptest.NewRequest("GET", "https://acme.localhost/login", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if c := cookieOf(w.Result(), cookieSecure); c == nil || !c.Secure {
		t.Errorf("cookie over TLS: got %v, want a Secure %s cookie", c, cookieSecure)
	}
}

func TestMemorySessionsExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := NewMemorySessions(time.Hour)
	m.now = func() time.Time { return now }
	ctx := context.Background()
	s := &Session{ID: "a", Host: "h", CSRF: "c", LastSeen: now}
	if err := m.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.UserID = "changed after save"
	got, err := m.Get(ctx, "a")
	if err != nil || got == nil || got.UserID != "" {
		t.Fatalf("Get: got %+v, %v; want the saved copy", got, err)
	}
	now = now.Add(59 * time.Minute)
	if got, _ := m.Get(ctx, "a"); got == nil {
		t.Fatalf("Get before the idle timeout: got nil")
	}
	now = now.Add(2 * time.Minute)
	if got, _ := m.Get(ctx, "a"); got != nil {
		t.Errorf("Get after the idle timeout: got %+v, want nil", got)
	}
	if got := m.Len(); got != 0 {
		t.Errorf("Len after expiry: got %d, want 0", got)
	}
}

func TestValidCSRF(t *testing.T) {
	s := &Session{CSRF: "token"}
	tests := []struct {
		s    *Session
		got  string
		want bool
	}{
		{s, "token", true},
		{s, "tokeN", false},
		{s, "", false},
		{nil, "token", false},
		{&Session{}, "", false},
	}
	for _, tt := range tests {
		if got := validCSRF(tt.s, tt.got); got != tt.want {
			t.Errorf("validCSRF(%v, %q): got %v, want %v", tt.s, tt.got, got, tt.want)
		}
	}
}

func TestSplitTenantPath(t *testing.T) {
	tests := []struct {
		in         string
		slug, rest string
		ok         bool
	}{
		{"/t/acme/projects", "acme", "/projects", true},
		{"/t/acme", "acme", "/", true},
		{"/t/acme/", "acme", "/", true},
		{"/t//x", "", "", false},
		{"/projects", "", "", false},
	}
	for _, tt := range tests {
		slug, rest, ok := splitTenantPath(tt.in)
		if slug != tt.slug || rest != tt.rest || ok != tt.ok {
			t.Errorf("splitTenantPath(%q): got %q %q %v, want %q %q %v", tt.in, slug, rest, ok, tt.slug, tt.rest, tt.ok)
		}
	}
}

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/t/acme/projects", "/t/acme/projects"},
		{"", "/x"},
		{"https://evil.test", "/x"},
		{"//evil.test", "/x"},
		{"/\\evil.test", "/x"},
		{"javascript:alert(1)", "/x"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in, "/x"); got != tt.want {
			t.Errorf("safeNext(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
