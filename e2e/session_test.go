package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/pgtest"
)

// browser is a web-page client without JavaScript: a cookie jar (cookies
// ignore ports, so the servers of one test share them, as behind a load
// balancer) and a fixed Host header, the load balancer's name.
type browser struct {
	http *http.Client
	host string
}

func newBrowser(t *testing.T, host string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{host: host, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request to s under the browser's host and returns the status,
// the Location and the body.
func (b *browser) do(t *testing.T, s *server, method, path string, form url.Values) (int, string, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = b.host
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, s.name, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(out)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs the platform admin in through s's sign-in page.
func (b *browser) signIn(t *testing.T, s *server) {
	t.Helper()
	status, _, page := b.do(t, s, "GET", "/login", nil)
	m := csrfInput.FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		t.Fatalf("GET /login on %s: status %d, csrf token found %v", s.name, status, m != nil)
	}
	status, _, page = b.do(t, s, "POST", "/login", url.Values{"email": {adminEmail}, "password": {adminPassword}, "csrf": {m[1]}})
	if status != http.StatusSeeOther {
		t.Fatalf("POST /login on %s: status %d, want 303\n%s", s.name, status, page)
	}
}

// signedIn reports whether s shows the browser its home page (200) rather
// than sending it to sign in.
func (b *browser) signedIn(t *testing.T, s *server) bool {
	t.Helper()
	status, loc, _ := b.do(t, s, "GET", "/", nil)
	switch {
	case status == http.StatusOK:
		return true
	case status == http.StatusSeeOther && strings.HasPrefix(loc, "/login"):
		return false
	}
	t.Fatalf("GET / on %s: status %d Location %q, want 200 or a redirect to /login", s.name, status, loc)
	return false
}

// TestBrowserSessionsInDatabase checks, without Redis, that a browser
// session made by one server process is accepted by a second on the same
// database, survives a restart of both, ends at sign-out everywhere, and
// expires after --session-idle.
func TestBrowserSessionsInDatabase(t *testing.T) {
	backends := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(*testing.T) string { return "" }},
		{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			cfg := serverConfig{databaseURL: be.url(t), data: t.TempDir()}
			start := func(name string, args ...string) *server {
				c := cfg
				c.name, c.args = name, args
				return startServer(t, c)
			}
			a, b := start("A"), start("B")
			br := newBrowser(t, "app.example.test")
			br.signIn(t, a)
			if !br.signedIn(t, a) || !br.signedIn(t, b) {
				t.Fatal("a session made by A: want it accepted by A and by B")
			}
			a.stop(t)
			b.stop(t)
			a2 := start("A after restart")
			if !br.signedIn(t, a2) {
				t.Fatal("after a restart: got signed out, want the session kept")
			}
			b2 := start("B after restart")
			status, _, page := br.do(t, a2, "GET", "/", nil)
			m := csrfInput.FindStringSubmatch(page)
			if status != http.StatusOK || m == nil {
				t.Fatalf("home page: status %d, csrf token found %v", status, m != nil)
			}
			if status, _, _ := br.do(t, b2, "POST", "/logout", url.Values{"csrf": {m[1]}}); status != http.StatusSeeOther {
				t.Fatalf("sign-out on B: status %d, want 303", status)
			}
			if br.signedIn(t, a2) {
				t.Error("A after sign-out on B: got signed in, want signed out")
			}
			a2.stop(t)
			b2.stop(t)

			short := start("A with --session-idle 2s", "--session-idle", "2s")
			br = newBrowser(t, "app.example.test")
			br.signIn(t, short)
			if !br.signedIn(t, short) {
				t.Fatal("fresh session with --session-idle 2s: got signed out")
			}
			time.Sleep(2500 * time.Millisecond)
			if br.signedIn(t, short) {
				t.Error("session idle longer than --session-idle: got signed in, want it expired")
			}
		})
	}
}
