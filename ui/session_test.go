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
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
)

// newTestHandler returns a handler over a fresh SQLite store with user
// ann@acme.test owning tenant acme, and tenant globex.
func newTestHandler(t *testing.T, secure bool) (*Handler, *inmem.BrowserSessions) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"), tenantry.DefaultPlans(), projects.Extension())
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
	ms := inmem.NewBrowserSessions(0, 0)
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

// csrfCookieFor names the CSRF cookie that goes with a session cookie.
func csrfCookieFor(cookieName string) string {
	if cookieName == cookieSecure {
		return csrfCookieSecure
	}
	return csrfCookieInsecure
}

// signInOn signs ann in on host and returns the session cookie.
func signInOn(t *testing.T, h http.Handler, host, cookieName string) *http.Cookie {
	t.Helper()
	res := hit(h, "GET", host, "/login", nil, nil)
	if c := cookieOf(res, cookieName); c != nil {
		t.Fatalf("GET /login on %s set a session cookie %v before sign-in", host, c)
	}
	anon := cookieOf(res, csrfCookieFor(cookieName))
	b, _ := io.ReadAll(res.Body)
	m := csrfField.FindSubmatch(b)
	if anon == nil || m == nil {
		t.Fatalf("GET /login on %s: no CSRF cookie or csrf token", host)
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
		secure     bool
		name, csrf string
	}{
		{false, cookieInsecure, csrfCookieInsecure},
		{true, cookieSecure, csrfCookieSecure},
	}
	check := func(t *testing.T, res *http.Response, name string, secure bool) {
		t.Helper()
		var raw string
		for _, v := range res.Header.Values("Set-Cookie") {
			if strings.HasPrefix(v, name+"=") {
				raw = v
			}
		}
		if raw == "" {
			t.Fatalf("Set-Cookie: got %q, want cookie %s", res.Header.Values("Set-Cookie"), name)
		}
		for _, want := range []string{"Path=/", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(raw, want) {
				t.Errorf("Set-Cookie %q lacks %s", raw, want)
			}
		}
		if strings.Contains(strings.ToLower(raw), "domain=") {
			t.Errorf("Set-Cookie %q has a Domain attribute", raw)
		}
		if got := strings.Contains(raw, "Secure"); got != secure {
			t.Errorf("Secure in %q: got %v, want %v", raw, got, secure)
		}
		if c := cookieOf(res, name); len(c.Value) != 43 {
			t.Errorf("%s value length: got %d, want 43 (256 bits)", name, len(c.Value))
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := newTestHandler(t, tt.secure)
			check(t, hit(h, "GET", "acme.localhost", "/login", nil, nil), tt.csrf, tt.secure)
			res := hit(h, "GET", "acme.localhost", "/login", nil, nil)
			anon := cookieOf(res, tt.csrf)
			b, _ := io.ReadAll(res.Body)
			m := csrfField.FindSubmatch(b)
			if m == nil {
				t.Fatal("no csrf token on /login")
			}
			res = hit(h, "POST", "acme.localhost", "/login", url.Values{"email": {"ann@acme.test"}, "password": {"correct horse battery"}, "csrf": {string(m[1])}}, anon)
			check(t, res, tt.name, tt.secure)
		})
	}
}

func TestSessionTLSRequestIsSecure(t *testing.T) {
	h, _ := newTestHandler(t, false)
	req := httptest.NewRequest("GET", "https://acme.localhost/login", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if c := cookieOf(w.Result(), csrfCookieSecure); c == nil || !c.Secure {
		t.Errorf("cookie over TLS: got %v, want a Secure %s cookie", c, csrfCookieSecure)
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

// TestCSRFKeySharedBySecret checks that a server process accepts the
// sign-in form another process rendered when both have the same signing
// secret, and refuses it when the secrets differ.
func TestCSRFKeySharedBySecret(t *testing.T) {
	h, _ := newTestHandler(t, false)
	withSecret := func(secret string) *Handler {
		cfg := h.cfg
		cfg.Secret = []byte(secret)
		return New(cfg)
	}
	a := withSecret("shared-secret-shared-secret-shared")
	tests := []struct {
		name string
		b    *Handler
		want int
	}{
		// Signed in: Ann's only tenant opens through a handover page.
		{"same secret", withSecret("shared-secret-shared-secret-shared"), http.StatusOK},
		{"other secret", withSecret("other-secret-other-secret-other-se"), http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := hit(a, "GET", "localhost", "/login", nil, nil)
			anon := cookieOf(res, csrfCookieInsecure)
			body, _ := io.ReadAll(res.Body)
			m := csrfField.FindSubmatch(body)
			if anon == nil || m == nil {
				t.Fatal("GET /login: no CSRF cookie or token")
			}
			form := url.Values{"email": {"ann@acme.test"}, "password": {"correct horse battery"}, "csrf": {string(m[1])}}
			if got := hit(tt.b, "POST", "localhost", "/login", form, anon).StatusCode; got != tt.want {
				t.Errorf("POST /login on the other process: got %d, want %d", got, tt.want)
			}
		})
	}
}

// FuzzCSRF feeds arbitrary CSRF cookies and form tokens to the check of an
// anonymous visitor's form: it never panics, and accepts only the token
// the handler itself signed for that cookie.
func FuzzCSRF(f *testing.F) {
	h := New(Config{Secret: []byte("fuzz-secret-fuzz-secret-fuzz-secret")})
	good := randomToken()
	f.Add(good, h.csrfMAC("anonymous", "localhost", good))
	f.Add(good, "")
	f.Add("", "x")
	f.Add("not base64 !", strings.Repeat("A", 43))
	f.Add(strings.Repeat("A", 43), strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, cookie, token string) {
		r := httptest.NewRequest(http.MethodPost, "http://localhost/login", nil)
		r.Header.Set("Cookie", csrfCookieInsecure+"="+cookie)
		q := &request{h: h, r: r, nonce: h.csrfNonce(r)}
		got := q.validCSRF(token)
		want := q.nonce != "" && token == h.csrfMAC("anonymous", "localhost", q.nonce)
		if got != want {
			t.Errorf("validCSRF(cookie %q, token %q): got %v, want %v", cookie, token, got, want)
		}
	})
}

// TestSessionTouchRenews checks that a request on a session last seen
// more than touchAfter ago saves it with a new LastSeen (renewing its
// expiry) and sends its cookie again, and that a fresher one is left alone.
func TestSessionTouchRenews(t *testing.T) {
	h, ms := newTestHandler(t, false)
	c := signInOn(t, h, "acme.localhost", cookieInsecure)
	ctx := context.Background()
	before, err := ms.Get(ctx, c.Value)
	if err != nil || before == nil {
		t.Fatalf("signed-in session: got %v, %v", before, err)
	}
	tests := []struct {
		name   string
		after  time.Duration
		renews bool
	}{
		{"a minute later", time.Minute, false},
		{"ten minutes later", 10 * time.Minute, true},
	}
	for _, tt := range tests {
		at := before.LastSeen.Add(tt.after)
		h.now = func() time.Time { return at }
		res := hit(h, "GET", "acme.localhost", "/", nil, c)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: dashboard got %d, want 200", tt.name, res.StatusCode)
		}
		got, _ := ms.Get(ctx, c.Value)
		if renewed := got != nil && got.LastSeen.Equal(at); renewed != tt.renews {
			t.Errorf("%s: LastSeen %v, renewed %v, want %v", tt.name, got.LastSeen, renewed, tt.renews)
		}
		if sent := cookieOf(res, cookieInsecure) != nil; sent != tt.renews {
			t.Errorf("%s: cookie sent again %v, want %v", tt.name, sent, tt.renews)
		}
	}
}
