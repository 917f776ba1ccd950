package ui_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// hostClient is a client that reaches the test server under any host name
// (localhost, acme.localhost...), as a browser does with *.localhost.
type hostClient struct {
	*client
	port string
}

// newHostClient returns a hostClient with an empty cookie jar.
func (e *env) newHostClient(tb testing.TB) *hostClient {
	tb.Helper()
	c := e.newClient(tb)
	addr := e.Server.Listener.Addr().String()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		tb.Fatal(err)
	}
	var d net.Dialer
	c.http.Transport = &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}}
	return &hostClient{client: c, port: port}
}

// url returns the address of path on host.
func (c *hostClient) url(host, path string) string { return "http://" + host + ":" + c.port + path }

// getAt fetches path on host.
func (c *hostClient) getAt(host, path string) *response {
	c.tb.Helper()
	return c.fetch(http.MethodGet, c.url(host, path), nil)
}

// fetch requests an absolute address, with form as the body of a POST.
func (c *hostClient) fetch(method, addr string, form url.Values) *response {
	c.tb.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, addr, body)
	if err != nil {
		c.tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.do(req)
}

// postAt submits a form to path on host with the CSRF token of that host.
func (c *hostClient) postAt(host, path string, form url.Values) *response {
	c.tb.Helper()
	m := csrfRe.FindStringSubmatch(c.getAt(host, "/login").Body)
	if m == nil {
		c.tb.Fatalf("no csrf token on %s/login", host)
	}
	form.Set("csrf", m[1])
	return c.fetch(http.MethodPost, c.url(host, path), form)
}

var handoverRe = regexp.MustCompile(`^0; url=(http://[a-z0-9.-]+:[0-9]+/auth/handover\?code=[A-Za-z0-9_-]{43})$`)

// handoverURL returns the address a handover page sends the browser to.
func (c *hostClient) handoverURL(what string, r *response) string {
	c.tb.Helper()
	mustStatus(c.tb, what, r, http.StatusOK)
	m := handoverRe.FindStringSubmatch(r.Header.Get("Refresh"))
	if m == nil {
		c.tb.Fatalf("%s: Refresh %q is no handover", what, r.Header.Get("Refresh"))
	}
	if got := r.Header.Get("HX-Redirect"); got != m[1] {
		c.tb.Errorf("%s: HX-Redirect %q, want %q", what, got, m[1])
	}
	mustContain(c.tb, what, r.Body, `href="`+strings.ReplaceAll(m[1], "&", "&amp;")+`"`)
	return m[1]
}

// signedOut fails unless the dashboard of host asks to sign in.
func (c *hostClient) signedOut(what, host string) {
	c.tb.Helper()
	if r := c.getAt(host, "/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		c.tb.Errorf("%s: dashboard on %s: got %d to %q, want 303 to sign in", what, host, r.Status, r.Location)
	}
}

func TestHandoverSignupLandsSignedInOnTenantHost(t *testing.T) {
	e := newEnv(t)
	c := e.newHostClient(t)
	r := c.postAt("localhost", "/signup", url.Values{"email": {"ann@acme.test"}, "name": {"Ann"}, "password": {testPassword}, "tenant_name": {"Acme"}, "tenant_slug": {"acme"}})
	to := c.handoverURL("signup", r)
	if want := c.url("acme.localhost", "/auth/handover?code="); !strings.HasPrefix(to, want) {
		t.Fatalf("signup hands over to %q, want %q...", to, want)
	}
	c.signedOut("before the exchange", "acme.localhost")

	ex := c.fetch(http.MethodGet, to, nil)
	mustStatus(t, "exchange", ex, http.StatusSeeOther)
	if ex.Location != "/" {
		t.Errorf("exchange: redirect %q, want /", ex.Location)
	}
	dash := c.getAt("acme.localhost", "/")
	mustStatus(t, "dashboard on acme.localhost", dash, http.StatusOK)
	mustContain(t, "dashboard on acme.localhost", dash.Body, "Welcome! Your tenant Acme is ready.", `data-testid="tenant-name">Acme<`)
	// Still signed in on the central host, with its own session.
	mustContain(t, "central host", c.getAt("localhost", "/").Body, "Your tenants")
	// The tenant host's session is its own: signing out there keeps the
	// central host's.
	mustStatus(t, "sign out on acme.localhost", c.postAt("acme.localhost", "/logout", url.Values{}), http.StatusSeeOther)
	c.signedOut("after sign-out", "acme.localhost")
	mustContain(t, "central host after the tenant host's sign-out", c.getAt("localhost", "/").Body, "Your tenants")
}

func TestHandoverSignInAndTenantList(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	e.signup(t, "gus@globex.test", "Gus", "Globex", "globex")

	// A member of one tenant goes straight to it.
	solo := e.newHostClient(t)
	r := solo.postAt("localhost", "/login", url.Values{"email": {"ann@acme.test"}, "password": {testPassword}})
	mustStatus(t, "exchange after sign-in", solo.fetch(http.MethodGet, solo.handoverURL("sign-in", r), nil), http.StatusSeeOther)
	mustContain(t, "acme after sign-in", solo.getAt("acme.localhost", "/").Body, `data-testid="tenant-name">Acme<`)

	// A member of two lands on the list, whose entries hand over.
	ann, err := e.Store.UserByEmail(ctx, "ann@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.Tenant(e.tenant(t, "globex").ID).AddMember(ctx, ann.ID, tenantry.RoleMember); err != nil {
		t.Fatal(err)
	}
	c := e.newHostClient(t)
	r = c.postAt("localhost", "/login", url.Values{"email": {"ann@acme.test"}, "password": {testPassword}})
	mustStatus(t, "sign-in with two tenants", r, http.StatusSeeOther)
	home := c.getAt("localhost", r.Location)
	mustContain(t, "tenant list", home.Body, `action="/auth/handover"`, `name="tenant" value="globex"`, `name="tenant" value="acme"`)
	mustNotContain(t, "tenant list", home.Body, `href="/t/globex/"`)

	to := c.handoverURL("open globex", c.postAt("localhost", "/auth/handover", url.Values{"tenant": {"globex"}}))
	if want := c.url("globex.localhost", "/auth/handover?code="); !strings.HasPrefix(to, want) {
		t.Fatalf("the list hands over to %q, want %q...", to, want)
	}
	mustStatus(t, "exchange for globex", c.fetch(http.MethodGet, to, nil), http.StatusSeeOther)
	mustContain(t, "globex dashboard", c.getAt("globex.localhost", "/").Body, `data-testid="tenant-name">Globex<`)

	// No code for a tenant one is not a member of, nor without the CSRF
	// token, nor signed out.
	other := e.newHostClient(t)
	mustStatus(t, "anonymous handover", other.postAt("localhost", "/auth/handover", url.Values{"tenant": {"acme"}}), http.StatusUnauthorized)
	gus := e.newHostClient(t)
	gr := gus.postAt("localhost", "/login", url.Values{"email": {"gus@globex.test"}, "password": {testPassword}})
	gus.handoverURL("gus signs in", gr)
	mustStatus(t, "handover to a tenant of others", gus.postAt("localhost", "/auth/handover", url.Values{"tenant": {"acme"}}), http.StatusForbidden)
	noCSRF := gus.fetch(http.MethodPost, gus.url("localhost", "/auth/handover"), url.Values{"tenant": {"globex"}})
	mustStatus(t, "handover without the CSRF token", noCSRF, http.StatusForbidden)
	if noCSRF.Header.Get("Refresh") != "" {
		t.Errorf("handover without the CSRF token: Refresh %q, want none", noCSRF.Header.Get("Refresh"))
	}
	// /t/{slug}/ pages on the central host need no handover.
	mustContain(t, "path form on the central host", c.getAt("localhost", "/t/acme/").Body, `data-testid="tenant-name">Acme<`)
}

func TestHandoverCodeRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	e.signup(t, "bob@bob.test", "Bob", "Bob Inc", "bob")
	ann, err := e.Store.UserByEmail(ctx, "ann@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := e.Store.UserByEmail(ctx, "bob@bob.test")
	if err != nil {
		t.Fatal(err)
	}
	probe := e.newHostClient(t)
	acmeHost := "acme.localhost:" + probe.port
	// plant stores a handover and returns its code.
	plant := func(user, host string, expires time.Time) string {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			t.Fatal(err)
		}
		code := base64.RawURLEncoding.EncodeToString(b[:])
		if err := e.Sessions.SaveHandover(ctx, &tenantry.BrowserHandover{Hash: auth.HashToken(code), Host: host, UserID: user, ExpiresAt: expires}); err != nil {
			t.Fatal(err)
		}
		return code
	}

	// A real code used on another tenant's host is refused, and burnt.
	c := e.newHostClient(t)
	to := c.handoverURL("sign-in", c.postAt("localhost", "/login", url.Values{"email": {"ann@acme.test"}, "password": {testPassword}}))
	code := strings.TrimPrefix(to, c.url("acme.localhost", "/auth/handover?code="))
	// A real code used once is refused the second time.
	c2 := e.newHostClient(t)
	used := strings.TrimPrefix(c2.handoverURL("sign-in", c2.postAt("localhost", "/login", url.Values{"email": {"ann@acme.test"}, "password": {testPassword}})), c2.url("acme.localhost", "/auth/handover?code="))
	mustStatus(t, "first use", e.newHostClient(t).getAt("acme.localhost", "/auth/handover?code="+used), http.StatusSeeOther)
	// A code of a user who is no longer a member.
	removed := plant(bob.ID, acmeHost, time.Now().Add(time.Minute))
	if _, err := e.Store.Tenant(e.tenant(t, "acme").ID).AddMember(ctx, bob.ID, tenantry.RoleMember); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.Tenant(e.tenant(t, "acme").ID).RemoveMember(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, host, code string
	}{
		{"code for another host", "bob.localhost", code},
		{"that code on its own host afterwards", "acme.localhost", code},
		{"reused code", "acme.localhost", used},
		{"expired code", "acme.localhost", plant(ann.ID, acmeHost, time.Now().Add(-time.Second))},
		{"code of a user who is no member", "acme.localhost", removed},
		{"code on the central host", "localhost", plant(ann.ID, "localhost:"+probe.port, time.Now().Add(time.Minute))},
		{"unknown code", "acme.localhost", strings.Repeat("A", 43)},
		{"malformed code", "acme.localhost", "not-a-code"},
		{"no code", "acme.localhost", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := e.newHostClient(t)
			r := b.getAt(tt.host, "/auth/handover?code="+url.QueryEscape(tt.code))
			mustStatus(t, tt.name, r, http.StatusUnauthorized)
			mustContain(t, tt.name, r.Body, "This sign-in link is used, expired or not for this address.", `action="/login"`)
			if got := r.Header.Values("Set-Cookie"); len(got) != 0 && strings.Contains(strings.Join(got, ";"), "tenantry_session=") {
				t.Errorf("%s: a session cookie was set: %v", tt.name, got)
			}
			b.signedOut(tt.name, "acme.localhost")
		})
	}
}

func TestHandoverTarget(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	e.signup(t, "bob@bob.test", "Bob", "Bob Inc", "bob")
	domain := "tasks.acme.example"
	if _, err := e.Store.Platform().UpdateTenant(ctx, e.tenant(t, "acme").ID, tenantry.TenantUpdate{Domain: &domain}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, central string
		// want is the host handed over to; "" is no handover (the
		// tenant's /t/{slug}/ pages on the central host).
		want, wantPath string
	}{
		{"base domain", "ann@acme.test", "localhost", "acme.localhost", ""},
		{"reserved name under the base domain", "ann@acme.test", "app.localhost", "acme.localhost", ""},
		{"no base domain: the custom domain", "ann@acme.test", "127.0.0.1", domain, ""},
		{"no base domain, no custom domain", "bob@bob.test", "127.0.0.1", "", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.newHostClient(t)
			r := c.postAt(tt.central, "/login", url.Values{"email": {tt.email}, "password": {testPassword}})
			if tt.want == "" {
				mustStatus(t, "sign-in", r, http.StatusSeeOther)
				if r.Location != tt.wantPath {
					t.Errorf("sign-in on %s: redirect %q, want %q", tt.central, r.Location, tt.wantPath)
				}
				mustContain(t, "tenant list", c.getAt(tt.central, "/").Body, `href="/t/bob/"`)
				return
			}
			to := c.handoverURL("sign-in", r)
			if want := c.url(tt.want, "/auth/handover?code="); !strings.HasPrefix(to, want) {
				t.Fatalf("sign-in on %s hands over to %q, want %q...", tt.central, to, want)
			}
			mustStatus(t, "exchange", c.fetch(http.MethodGet, to, nil), http.StatusSeeOther)
			mustContain(t, "dashboard", c.getAt(tt.want, "/").Body, `data-testid="tenant-name">Acme<`)
		})
	}
}

func TestHandoverAfterInvitation(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	// The e-mailed link is on the central host: <public-url>/invitations/<token>.
	path := strings.TrimPrefix(e.invite(t, owner, "acme", "cy@acme.test", tenantry.RoleMember), "/t/acme")
	if !strings.HasPrefix(path, "/invitations/") {
		t.Fatalf("invitation path %q", path)
	}
	c := e.newHostClient(t)
	r := c.postAt("localhost", "/signup", url.Values{"email": {"cy@acme.test"}, "name": {"Cy"}, "password": {testPassword}, "next": {path}})
	mustStatus(t, "signup", r, http.StatusSeeOther)
	to := c.handoverURL("accept", c.postAt("localhost", path, url.Values{}))
	if want := c.url("acme.localhost", "/auth/handover?code="); !strings.HasPrefix(to, want) {
		t.Fatalf("accept hands over to %q, want %q...", to, want)
	}
	mustStatus(t, "exchange", c.fetch(http.MethodGet, to, nil), http.StatusSeeOther)
	mustContain(t, "dashboard", c.getAt("acme.localhost", "/").Body, "You joined Acme as member.")
}

// FuzzHandoverCode feeds arbitrary codes to the exchange on a tenant's
// host: none signs the browser in.
func FuzzHandoverCode(f *testing.F) {
	e := newEnv(f)
	e.signup(f, "ann@acme.test", "Ann", "Acme", "acme")
	for _, s := range []string{"", "x", strings.Repeat("A", 43), strings.Repeat("_", 43), strings.Repeat("A", 44), "%00", "a b", "AAAA=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		c := e.newHostClient(t)
		r := c.getAt("acme.localhost", "/auth/handover?code="+url.QueryEscape(code))
		if r.Status != http.StatusUnauthorized && r.Status != http.StatusBadRequest {
			t.Fatalf("code %q: got status %d, want 401 or 400", code, r.Status)
		}
		c.signedOut("code "+code, "acme.localhost")
	})
}
