package http

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/ui"
)

// pageEnv is a server with the web UI mounted, on a fresh SQLite store,
// with a sign-in limiter whose clock stands still.
type pageEnv struct {
	*testEnv
}

// newPageEnv starts a server with the UI and the config changes of opts.
func newPageEnv(tb testing.TB, opts ...func(*Config)) *pageEnv {
	tb.Helper()
	store := openSQLite(tb)
	frozen := time.Now()
	lim := inmem.NewRateLimiter(inmem.RateLimiterOptions{Now: func() time.Time { return frozen }})
	//lint:ignore S1021 the options' closures read e, so it is declared first
	var e *testEnv
	e = newTestEnv(tb, store, append([]func(*Config){func(c *Config) {
		c.Limiter = lim
		c.UI = ui.New(ui.Config{
			Store:   store,
			Auth:    c.Auth,
			Plans:   c.Plans,
			Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
			Limiter: lim,
		})
	}}, opts...)...)
	return &pageEnv{e}
}

// send sends a request with extra headers and returns the answer.
func (e *pageEnv) send(tb testing.TB, hc *http.Client, method, path string, form url.Values, hdr map[string]string) resp {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.URL+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// apiLogin is one JSON sign-in attempt with a wrong password and hdr.
func (e *pageEnv) apiLogin(tb testing.TB, email string, hdr map[string]string) int {
	tb.Helper()
	req, err := http.NewRequest("POST", e.URL+"/api/auth/login",
		strings.NewReader(fmt.Sprintf(`{"email":%q,"password":"wrong password"}`, email)))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

var uiCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// uiLogin is one sign-in through the page form with a wrong password,
// in the browser session of hc; it returns the status and the page.
func (e *pageEnv) uiLogin(tb testing.TB, hc *http.Client, email string) resp {
	tb.Helper()
	page := e.send(tb, hc, "GET", "/login", nil, nil)
	m := uiCSRF.FindSubmatch(page.Body)
	if m == nil {
		tb.Fatalf("no CSRF token on /login (status %d)", page.Status)
	}
	return e.send(tb, hc, "POST", "/login", url.Values{"csrf": {string(m[1])}, "email": {email}, "password": {"wrong password"}}, nil)
}

// browser returns an HTTP client with a cookie jar that does not follow
// redirects.
func browser(tb testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestSignInBudgetSharedByAPIAndPages(t *testing.T) {
	const email = "victim@example.com"
	t.Run("API first", func(t *testing.T) {
		e := newPageEnv(t)
		for i := range 10 {
			if got := e.apiLogin(t, email, nil); got != http.StatusUnauthorized {
				t.Fatalf("API attempt %d: got status %d, want 401", i+1, got)
			}
		}
		if got := e.apiLogin(t, email, nil); got != http.StatusTooManyRequests {
			t.Fatalf("11th API attempt: got status %d, want 429", got)
		}
		r := e.uiLogin(t, browser(t), email)
		if r.Status != http.StatusTooManyRequests || !strings.Contains(string(r.Body), "Too many attempts; try again in") {
			t.Errorf("page sign-in after 10 API attempts: got status %d, want 429 with \"Too many attempts\"", r.Status)
		}
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("page sign-in after 10 API attempts: no Retry-After")
		}
	})
	t.Run("pages first", func(t *testing.T) {
		e := newPageEnv(t)
		b := browser(t)
		for i := range 10 {
			if r := e.uiLogin(t, b, email); r.Status != http.StatusUnauthorized {
				t.Fatalf("page attempt %d: got status %d, want 401", i+1, r.Status)
			}
		}
		if got := e.apiLogin(t, email, nil); got != http.StatusTooManyRequests {
			t.Errorf("API attempt after 10 page attempts: got status %d, want 429", got)
		}
	})
	t.Run("address budget", func(t *testing.T) {
		e := newPageEnv(t)
		b := browser(t)
		for i := range 10 {
			if got := e.apiLogin(t, fmt.Sprintf("a%d@example.com", i), nil); got != http.StatusUnauthorized {
				t.Fatalf("API attempt %d: got status %d, want 401", i+1, got)
			}
			if r := e.uiLogin(t, b, fmt.Sprintf("p%d@example.com", i)); r.Status != http.StatusUnauthorized {
				t.Fatalf("page attempt %d: got status %d, want 401", i+1, r.Status)
			}
		}
		if got := e.apiLogin(t, "fresh@example.com", nil); got != http.StatusTooManyRequests {
			t.Errorf("21st attempt of the address: got status %d, want 429", got)
		}
	})
}
