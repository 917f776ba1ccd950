package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/pgtest"
)

// maxPropagation is how soon a revocation made through one process must be
// enforced by every other.
const maxPropagation = time.Second

// propagation runs mutate (through one process), then polls check (against
// another) until it reports the change enforced, and returns how long that
// took from just before mutate sent its request. It fails the test when it
// took longer than maxPropagation, and gives up after five seconds.
func propagation(t *testing.T, what string, mutate func(), check func() (enforced bool, last string)) time.Duration {
	t.Helper()
	start := time.Now()
	mutate()
	answered := time.Since(start)
	var last string
	for {
		enforced, got := check()
		elapsed := time.Since(start)
		if enforced {
			t.Logf("%s: enforced by the other process after %v (the mutating request took %v)",
				what, elapsed.Round(time.Millisecond), answered.Round(time.Millisecond))
			if elapsed > maxPropagation {
				t.Errorf("%s: took %v to reach the other process, want at most %v", what, elapsed, maxPropagation)
			}
			return elapsed
		}
		last = got
		if elapsed > 5*time.Second {
			t.Errorf("%s: not enforced by the other process after %v; last answer: %s", what, elapsed, last)
			return elapsed
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// expect returns a check that GETs url on behalf of token and reports
// whether the answer has the wanted status and error code.
func expect(t *testing.T, c *client, url, token string, header map[string]string, status int, code string) func() (bool, string) {
	return func() (bool, string) {
		res := c.do(t, "GET", url, token, header, nil)
		got := fmt.Sprintf("%d %s", res.status, res.body)
		return res.status == status && (code == "" || res.code() == code), got
	}
}

// TestRevocationAcrossProcesses changes access through process A and
// checks that process B, which has just cached the old state, enforces the
// change within maxPropagation.
func TestRevocationAcrossProcesses(t *testing.T) {
	dbURL := pgtest.URL(t)
	rURL := redisURL(t, 11)
	a := startServer(t, serverConfig{name: "A", databaseURL: dbURL, redisURL: rURL})
	b := startServer(t, serverConfig{name: "B", databaseURL: dbURL, redisURL: rURL})
	c := newClient()

	admin := c.login(t, a, adminEmail, adminPassword)
	owner := c.signup(t, a, "owner@example.com", "Owner")
	member := c.signup(t, a, "member@example.com", "Member")
	acme := c.createTenant(t, a, admin.AccessToken, "acme", "owner@example.com")
	c.must(t, http.StatusCreated, "POST", a.base+"/api/members", owner.AccessToken, tenantHeader("acme"),
		map[string]string{"email": "member@example.com", "role": "member"}, nil)
	keyID, key := c.createAPIKey(t, a, owner.AccessToken, "acme", "member")

	projects := b.base + "/api/projects"
	var times []string
	record := func(what string, d time.Duration) {
		times = append(times, fmt.Sprintf("%s %v", what, d.Round(time.Millisecond)))
	}

	t.Run("remove member", func(t *testing.T) {
		// B caches the membership first.
		c.must(t, http.StatusOK, "GET", projects, member.AccessToken, tenantHeader("acme"), nil, nil)
		d := propagation(t, "member removal",
			func() {
				c.must(t, http.StatusNoContent, "DELETE", a.base+"/api/members/"+member.User.ID,
					owner.AccessToken, tenantHeader("acme"), nil, nil)
			},
			expect(t, c, projects, member.AccessToken, tenantHeader("acme"), http.StatusForbidden, "not_a_member"))
		record("member removal", d)
	})

	t.Run("revoke API key", func(t *testing.T) {
		c.must(t, http.StatusOK, "GET", projects, key, nil, nil, nil)
		d := propagation(t, "API key revocation",
			func() {
				c.must(t, http.StatusNoContent, "DELETE", a.base+"/api/api-keys/"+keyID,
					owner.AccessToken, tenantHeader("acme"), nil, nil)
			},
			expect(t, c, projects, key, nil, http.StatusUnauthorized, "unauthenticated"))
		record("API key revocation", d)
	})

	t.Run("logout", func(t *testing.T) {
		// A refresh token issued by B, of a sign-in of its own (the
		// owner's signup session stays), revoked through A.
		signin := c.login(t, a, "owner@example.com", adminPassword)
		var fresh session
		c.must(t, http.StatusOK, "POST", b.base+"/api/auth/refresh", "", nil,
			map[string]string{"refresh_token": signin.RefreshToken}, &fresh)
		d := propagation(t, "logout",
			func() {
				c.must(t, http.StatusNoContent, "POST", a.base+"/api/auth/logout", "", nil,
					map[string]string{"refresh_token": fresh.RefreshToken}, nil)
			},
			func() (bool, string) {
				res := c.do(t, "POST", b.base+"/api/auth/refresh", "", nil,
					map[string]string{"refresh_token": fresh.RefreshToken})
				if res.status == http.StatusOK {
					t.Fatalf("B refreshed a token after logout through A: %s", res.body)
				}
				return res.status == http.StatusUnauthorized && res.code() == "unauthenticated",
					fmt.Sprintf("%d %s", res.status, res.body)
			})
		record("logout", d)
	})

	t.Run("logout stops access tokens", func(t *testing.T) {
		// B caches the access token of a session that A then signs out.
		signin := c.login(t, a, "owner@example.com", adminPassword)
		me := b.base + "/api/auth/me"
		c.must(t, http.StatusOK, "GET", me, signin.AccessToken, nil, nil, nil)
		d := propagation(t, "logout of an access token",
			func() {
				c.must(t, http.StatusNoContent, "POST", a.base+"/api/auth/logout", "", nil,
					map[string]string{"refresh_token": signin.RefreshToken}, nil)
			},
			expect(t, c, me, signin.AccessToken, nil, http.StatusUnauthorized, "unauthenticated"))
		record("access token logout", d)
		c.must(t, http.StatusOK, "GET", me, owner.AccessToken, nil, nil, nil)
	})

	t.Run("suspend tenant", func(t *testing.T) {
		c.must(t, http.StatusOK, "GET", projects, owner.AccessToken, tenantHeader("acme"), nil, nil)
		d := propagation(t, "tenant suspension",
			func() {
				c.must(t, http.StatusOK, "POST", a.base+"/api/admin/tenants/"+acme.ID+"/suspend",
					admin.AccessToken, nil, nil, nil)
			},
			expect(t, c, projects, owner.AccessToken, tenantHeader("acme"), http.StatusForbidden, "tenant_suspended"))
		record("tenant suspension", d)
	})

	t.Logf("propagation times A -> B: %v", times)
}
