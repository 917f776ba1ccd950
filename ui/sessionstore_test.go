package ui_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/redis"
)

// TestAnonymousVisitsStoreNothing sends 10,000 cookieless GET /login (and
// the other pages with forms for anonymous visitors): none may store a
// browser session or set a session cookie.
func TestAnonymousVisitsStoreNothing(t *testing.T) {
	e := newEnv(t)
	paths := []string{"/login", "/signup", "/invitations/inv_whatever", "/t/acme/login"}
	for i := range 10000 {
		p := paths[0]
		if i < len(paths) {
			p = paths[i]
		}
		w := httptest.NewRecorder()
		e.Handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://localhost"+p, nil))
		if i < len(paths) {
			for _, c := range w.Result().Cookies() {
				if strings.Contains(c.Name, "session") {
					t.Errorf("GET %s set session cookie %s", p, c.Name)
				}
			}
		}
	}
	if got := e.Sessions.Len(); got != 0 {
		t.Errorf("sessions stored after 10,000 anonymous visits: got %d, want 0", got)
	}
}

// TestStatelessCSRF signs in with the token of the CSRF cookie GET /login
// gave, and refuses sign-in with a missing, forged or another visitor's
// token.
func TestStatelessCSRF(t *testing.T) {
	e := newEnv(t)
	e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	stored := e.Sessions.Len()
	other := e.newClient(t).csrf()
	tests := []struct {
		name   string
		token  func(c *client) string
		status int
	}{
		{"its own token", func(c *client) string { return c.csrf() }, http.StatusSeeOther},
		{"missing", func(c *client) string { c.csrf(); return "" }, http.StatusForbidden},
		{"forged", func(c *client) string { c.csrf(); return strings.Repeat("A", 43) }, http.StatusForbidden},
		{"another visitor's", func(c *client) string { c.csrf(); return other }, http.StatusForbidden},
		{"without a CSRF cookie", func(*client) string { return other }, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.newClient(t)
			form := url.Values{"email": {"ann@acme.test"}, "password": {testPassword}}
			if tok := tt.token(c); tok != "" {
				form.Set("csrf", tok)
			}
			r := c.postRaw("/login", form)
			mustStatus(t, "POST /login", r, tt.status)
			if tt.status == http.StatusSeeOther {
				mustStatus(t, "dashboard after sign-in", c.get("/t/acme/"), http.StatusOK)
			} else {
				mustContain(t, "refused sign-in", r.Body, "Your form expired")
			}
		})
	}
	if got, want := e.Sessions.Len(), stored+1; got != want {
		t.Errorf("sessions stored: got %d, want %d (one more, for the accepted sign-in)", got, want)
	}
}

// TestInvitationAcceptRefusedInUnusableTenant accepts an invitation on the
// central host's page of a suspended or archived tenant: refused as the
// API refuses it, and the invitee is no member.
func TestInvitationAcceptRefusedInUnusableTenant(t *testing.T) {
	tests := []struct {
		status tenantry.TenantStatus
		want   string
	}{
		{tenantry.TenantSuspended, "suspended"},
		{tenantry.TenantArchived, "archived"},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
			path := e.invite(t, owner, "acme", "bob@acme.test", tenantry.RoleMember)
			bob := e.signup(t, "bob@acme.test", "Bob", "", "")
			acme := e.tenant(t, "acme")
			if _, err := e.Store.Platform().SetTenantStatus(ctx, acme.ID, tt.status); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{strings.TrimPrefix(path, "/t/acme"), path} {
				r := bob.post(p, nil)
				mustStatus(t, "accept "+p, r, http.StatusForbidden)
				mustContain(t, "accept "+p, r.Body, tt.want)
			}
			u, err := e.Store.UserByEmail(ctx, "bob@acme.test")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Store.Tenant(acme.ID).Member(ctx, u.ID); !tenantry.IsCode(err, tenantry.ENOTFOUND) {
				t.Errorf("membership of the invitee: got %v, want not_found", err)
			}
		})
	}
}

var refreshTokenValue = regexp.MustCompile(`"rt_[A-Za-z0-9_-]{20,}"`)

// TestRedisSessionKeepsNoRefreshToken signs in with browser sessions in
// Redis and reads the raw stored value: it holds the refresh token's hash
// only, and sign-out still revokes the token.
func TestRedisSessionKeepsNoRefreshToken(t *testing.T) {
	raw := os.Getenv("TENANTRY_TEST_REDIS_URL")
	if raw == "" {
		if os.Getenv("TENANTRY_TEST_REQUIRE_REDIS") == "1" {
			t.Fatal("TENANTRY_TEST_REQUIRE_REDIS=1 but TENANTRY_TEST_REDIS_URL is unset")
		}
		t.Skip("TENANTRY_TEST_REDIS_URL not set")
	}
	client, err := redis.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	prefix := "test:" + tenantry.NewID() + ":"
	e := newEnvWith(t, redis.NewSessionStore(client, prefix, 0))
	c := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	ctx := context.Background()
	keys, err := client.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	values := 0
	for _, k := range keys {
		if strings.HasPrefix(k, prefix+"user:") {
			continue
		}
		v, err := client.Get(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		values++
		if refreshTokenValue.MatchString(v) {
			t.Errorf("stored session %s holds a refresh token: %s", k, v)
		}
		if !regexp.MustCompile(`"RefreshHash":"[0-9a-f]{64}"`).MatchString(v) {
			t.Errorf("stored session %s lacks the refresh token's hash: %s", k, v)
		}
	}
	if values != 1 {
		t.Errorf("sessions in Redis after one sign-up: got %d, want 1", values)
	}
	mustStatus(t, "dashboard", c.get("/t/acme/"), http.StatusOK)
	mustStatus(t, "logout", c.post("/logout", nil), http.StatusSeeOther)
	mustStatus(t, "dashboard after sign-out", c.get("/t/acme/"), http.StatusSeeOther)
}
