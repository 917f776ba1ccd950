package ui_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
	"github.com/tenantry/tenantry/ui"
)

// newThrottledEnv is newEnv with an in-process sign-in rate limiter whose
// clock stands still, so that a slow machine never refills a bucket
// during a test.
func newThrottledEnv(tb testing.TB) *env {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "db"), tenantry.DefaultPlans(), projects.Extension())
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	frozen := time.Now()
	cheap := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := auth.New(db, auth.Config{Secret: []byte("ui-test-secret-ui-test-secret-ui"), Params: &cheap})
	sessions := inmem.NewBrowserSessions(0, 0)
	h := ui.New(ui.Config{
		Store:    db,
		Auth:     a,
		Plans:    tenantry.DefaultPlans(),
		Sessions: sessions,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limiter:  inmem.NewRateLimiter(inmem.RateLimiterOptions{Now: func() time.Time { return frozen }}),
	})
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return &env{Store: db, Auth: a, Sessions: sessions, Handler: h, Server: srv}
}

var retryRe = regexp.MustCompile(`Too many attempts; try again in (\d+) seconds\.`)

// mustThrottle checks that r is the re-rendered form refused with 429, a
// friendly message and a Retry-After header that agree.
func mustThrottle(t *testing.T, what string, r *response) {
	t.Helper()
	mustStatus(t, what, r, http.StatusTooManyRequests)
	mustContain(t, what, r.Body, `role="alert"`, `name="csrf"`)
	m := retryRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("%s: no \"Too many attempts; try again in N seconds.\" message in\n%s", what, r.Body)
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > 60 {
		t.Errorf("%s: got %d seconds in the message, want 1..60", what, n)
	}
	if got, want := r.Header.Get("Retry-After"), m[1]; got != want {
		t.Errorf("%s: got Retry-After %q, want %q", what, got, want)
	}
}

func TestSignInThrottledPerEmail(t *testing.T) {
	e := newThrottledEnv(t)
	// The sign-up is the first attempt of this address (and of this IP).
	e.signup(t, "ann@acme.test", "Ann", "", "")
	c := e.newClient(t)
	for i := range 9 {
		// Case and spaces do not make another address.
		email := "ann@acme.test"
		if i%2 == 1 {
			email = " ANN@Acme.test "
		}
		r := c.post("/login", url.Values{"email": {email}, "password": {"wrong password"}})
		mustStatus(t, fmt.Sprintf("bad login %d", i+1), r, http.StatusUnauthorized)
	}
	r := c.post("/login", url.Values{"email": {"ann@acme.test"}, "password": {"wrong password"}})
	mustThrottle(t, "11th attempt", r)
	mustContain(t, "11th attempt", r.Body, `value="ann@acme.test"`)
	// The right password does not help while throttled: no guess is checked.
	mustThrottle(t, "right password", c.post("/login", url.Values{"email": {"ann@acme.test"}, "password": {testPassword}}))
	// Another address from the same IP (13 attempts so far) still gets in.
	e.signup(t, "bob@acme.test", "Bob", "", "")
	r = c.post("/login", url.Values{"email": {"bob@acme.test"}, "password": {testPassword}})
	mustStatus(t, "other e-mail", r, http.StatusSeeOther)
}

func TestSignInAndSignUpThrottledPerIP(t *testing.T) {
	e := newThrottledEnv(t)
	c := e.newClient(t)
	tests := []struct {
		path string
		form func(i int) url.Values
		want int
	}{
		{"/login", func(i int) url.Values {
			return url.Values{"email": {fmt.Sprintf("u%d@x.test", i)}, "password": {"wrong password"}}
		}, http.StatusUnauthorized},
		{"/signup", func(i int) url.Values {
			return url.Values{"email": {fmt.Sprintf("s%d@x.test", i)}, "name": {"S"}, "password": {"short"}}
		}, http.StatusUnprocessableEntity},
	}
	// Twenty attempts, alternating forms, each with a fresh address.
	for i := range 20 {
		tt := tests[i%2]
		mustStatus(t, fmt.Sprintf("attempt %d at %s", i+1, tt.path), c.post(tt.path, tt.form(i)), tt.want)
	}
	for _, tt := range tests {
		mustThrottle(t, "21st attempt at "+tt.path, c.post(tt.path, tt.form(100)))
	}
	// A good sign-up is refused too, and creates no user.
	r := c.post("/signup", url.Values{"email": {"new@x.test"}, "name": {"New"}, "password": {testPassword}})
	mustThrottle(t, "good signup", r)
	mustContain(t, "good signup", r.Body, `value="new@x.test"`)
	if _, err := e.Auth.Login(context.Background(), "new@x.test", testPassword); !tenantry.IsCode(err, tenantry.EUNAUTHENTICATED) {
		t.Errorf("login of the throttled sign-up: got %v, want unauthenticated", err)
	}
}

func TestSignInNotThrottledWithoutLimiter(t *testing.T) {
	e := newEnv(t)
	c := e.newClient(t)
	for i := range 12 {
		r := c.post("/login", url.Values{"email": {"ann@acme.test"}, "password": {"wrong password"}})
		mustStatus(t, fmt.Sprintf("bad login %d", i+1), r, http.StatusUnauthorized)
		if got := r.Header.Get("Retry-After"); got != "" {
			t.Errorf("bad login %d: got Retry-After %q, want none", i+1, got)
		}
	}
}
