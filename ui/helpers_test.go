package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
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

// testPassword is the password of every test user.
const testPassword = "correct horse battery"

// env is a UI server over a real SQLite store.
type env struct {
	Store    tenantry.Store
	Auth     *auth.Service
	Sessions *inmem.BrowserSessions
	Handler  *ui.Handler
	Server   *httptest.Server
	// Counted is what the pages counted in tenants' usage, by tenant id.
	Counted *counter
}

// counter is a ui.Config.CountRequest that remembers.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) count(tenantID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[tenantID]++
}

func (c *counter) of(tenantID string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[tenantID]
}

// newEnv starts the UI on a fresh SQLite store, with browser sessions in
// memory.
func newEnv(tb testing.TB) *env { return newEnvWith(tb, nil) }

// newEnvWith starts the UI on a fresh SQLite store, with browser sessions
// in store (nil: in memory, as e.Sessions) and the config changes of opts.
func newEnvWith(tb testing.TB, store tenantry.BrowserSessionStore, opts ...func(*ui.Config)) *env {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "db"), tenantry.DefaultPlans(), projects.Extension())
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	cheap := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := auth.New(db, auth.Config{Secret: []byte("ui-test-secret-ui-test-secret-ui"), Params: &cheap})
	var sessions *inmem.BrowserSessions
	if store == nil {
		sessions = inmem.NewBrowserSessions(0, 0)
		store = sessions
	}
	counted := &counter{n: map[string]int{}}
	cfg := ui.Config{
		Store:        db,
		Auth:         a,
		Plans:        tenantry.DefaultPlans(),
		Assistant:    assistant.New(db, tenantry.DefaultPlans(), inmem.NewRateLimiter(inmem.RateLimiterOptions{}), nil),
		Sessions:     store,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		CountRequest: counted.count,
	}
	for _, o := range opts {
		o(&cfg)
	}
	h := ui.New(cfg)
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return &env{Store: db, Auth: a, Sessions: sessions, Handler: h, Server: srv, Counted: counted}
}

// client is a browser without JavaScript: a cookie jar, no automatic
// redirects, and the CSRF token of its session.
type client struct {
	tb   testing.TB
	e    *env
	http *http.Client
}

// newClient returns a client with an empty cookie jar.
func (e *env) newClient(tb testing.TB) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &client{tb: tb, e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// response is a page answer.
type response struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (c *client) do(req *http.Request) *response {
	c.tb.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.tb.Fatal(err)
	}
	return &response{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
}

// get fetches path.
func (c *client) get(path string) *response {
	c.tb.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.Server.URL+path, nil)
	if err != nil {
		c.tb.Fatal(err)
	}
	return c.do(req)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the session's CSRF token, read from the sign-in page.
func (c *client) csrf() string {
	c.tb.Helper()
	r := c.get("/login")
	m := csrfRe.FindStringSubmatch(r.Body)
	if m == nil {
		c.tb.Fatalf("no csrf token on /login (status %d)", r.Status)
	}
	return m[1]
}

// post submits a form to path with the session's CSRF token.
func (c *client) post(path string, form url.Values) *response {
	c.tb.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf())
	}
	return c.postRaw(path, form)
}

// postRaw submits a form as it is.
func (c *client) postRaw(path string, form url.Values) *response {
	c.tb.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.Server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// signup signs a new user up (with a tenant when slug is set) and returns
// their client.
func (e *env) signup(tb testing.TB, email, name, tenantName, slug string) *client {
	tb.Helper()
	c := e.newClient(tb)
	r := c.post("/signup", url.Values{"email": {email}, "name": {name}, "password": {testPassword}, "tenant_name": {tenantName}, "tenant_slug": {slug}})
	if r.Status != http.StatusSeeOther {
		tb.Fatalf("signup %s: got status %d, want 303\n%s", email, r.Status, r.Body)
	}
	return c
}

// login signs an existing user in and returns their client.
func (e *env) login(tb testing.TB, email string) *client {
	tb.Helper()
	c := e.newClient(tb)
	r := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if r.Status != http.StatusSeeOther {
		tb.Fatalf("login %s: got status %d, want 303\n%s", email, r.Status, r.Body)
	}
	return c
}

// tenant returns the tenant with slug.
func (e *env) tenant(tb testing.TB, slug string) *tenantry.Tenant {
	tb.Helper()
	t, err := e.Store.TenantBySlug(context.Background(), slug)
	if err != nil {
		tb.Fatalf("TenantBySlug(%q): %v", slug, err)
	}
	return t
}

// projectIDs lists the ids of a tenant's projects.
func (e *env) projects(tb testing.TB, slug string) []*tenantry.Project {
	tb.Helper()
	ps, _, err := projects.New(e.Store.Tenant(e.tenant(tb, slug).ID), tenantry.DefaultPlans()).Projects(context.Background(), tenantry.ProjectFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

// mustStatus fails unless r has status want.
func mustStatus(tb testing.TB, what string, r *response, want int) {
	tb.Helper()
	if r.Status != want {
		tb.Fatalf("%s: got status %d, want %d\n%s", what, r.Status, want, r.Body)
	}
}

// mustContain fails unless body contains every s.
func mustContain(tb testing.TB, what, body string, ss ...string) {
	tb.Helper()
	for _, s := range ss {
		if !strings.Contains(body, s) {
			tb.Errorf("%s: body does not contain %q", what, s)
		}
	}
}

// mustNotContain fails when body contains any s.
func mustNotContain(tb testing.TB, what, body string, ss ...string) {
	tb.Helper()
	for _, s := range ss {
		if strings.Contains(body, s) {
			tb.Errorf("%s: body contains %q", what, s)
		}
	}
}

// invite invites email into slug as role (by owner) and returns the path
// of the invitation link.
func (e *env) invite(tb testing.TB, owner *client, slug, email string, role tenantry.Role) string {
	tb.Helper()
	r := owner.post("/t/"+slug+"/members/invite", url.Values{"email": {email}, "role": {string(role)}})
	mustStatus(tb, "invite", r, http.StatusSeeOther)
	page := owner.get("/t/" + slug + "/members")
	m := regexp.MustCompile(`data-testid="secret"|value="(http[^"]+/invitations/inv_[^"]+)"`).FindAllStringSubmatch(page.Body, -1)
	link := ""
	for _, x := range m {
		if x[1] != "" {
			link = x[1]
		}
	}
	if link == "" {
		tb.Fatalf("no invitation link on the members page:\n%s", page.Body)
	}
	u, _ := url.Parse(link)
	return u.Path
}

// inviteAndAccept invites email into slug as role (by owner) and has the
// invitee (signed up without a tenant) accept; it returns the invitee.
func (e *env) inviteAndAccept(tb testing.TB, owner *client, slug, email, name string, role tenantry.Role) *client {
	tb.Helper()
	path := e.invite(tb, owner, slug, email, role)
	inv := e.signup(tb, email, name, "", "")
	r := inv.post(path, nil)
	mustStatus(tb, "accept invitation", r, http.StatusSeeOther)
	return inv
}
