package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/pgtest"
)

// runCLI runs the tenantry binary with args and fails the test on an
// error.
func runCLI(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tenantry %v: %v\n%s", args, err, out)
	}
}

// TestRevocationWithoutRedis runs two servers on one PostgreSQL and no
// Redis, with the default cache TTL (a minute): changes made through one
// server, and by the tenantry CLI against the same database, must be
// enforced by the other server within maxPropagation, carried by the
// database's invalidations table alone.
func TestRevocationWithoutRedis(t *testing.T) {
	dbURL := pgtest.URL(t)
	a := startServer(t, serverConfig{name: "A", databaseURL: dbURL})
	b := startServer(t, serverConfig{name: "B", databaseURL: dbURL})
	c := newClient()

	admin := c.login(t, a, adminEmail, adminPassword)
	owner := c.signup(t, a, "owner@example.com", "Owner")
	member := c.signup(t, a, "member@example.com", "Member")
	c.createTenant(t, a, admin.AccessToken, "acme", "owner@example.com")
	c.must(t, http.StatusCreated, "POST", a.base+"/api/members", owner.AccessToken, tenantHeader("acme"),
		map[string]string{"email": "member@example.com", "role": "member"}, nil)
	keyID, key := c.createAPIKey(t, a, owner.AccessToken, "acme", "member")

	projects := b.base + "/api/projects"
	var times []string
	record := func(what string, d time.Duration) {
		times = append(times, fmt.Sprintf("%s %v", what, d.Round(time.Millisecond)))
	}

	t.Run("remove member through A", func(t *testing.T) {
		c.must(t, http.StatusOK, "GET", projects, member.AccessToken, tenantHeader("acme"), nil, nil)
		record("member removal", propagation(t, "member removal",
			func() {
				c.must(t, http.StatusNoContent, "DELETE", a.base+"/api/members/"+member.User.ID,
					owner.AccessToken, tenantHeader("acme"), nil, nil)
			},
			expect(t, c, projects, member.AccessToken, tenantHeader("acme"), http.StatusForbidden, "not_a_member")))
	})

	t.Run("revoke API key through A", func(t *testing.T) {
		c.must(t, http.StatusOK, "GET", projects, key, nil, nil, nil)
		record("API key revocation", propagation(t, "API key revocation",
			func() {
				c.must(t, http.StatusNoContent, "DELETE", a.base+"/api/api-keys/"+keyID,
					owner.AccessToken, tenantHeader("acme"), nil, nil)
			},
			expect(t, c, projects, key, nil, http.StatusUnauthorized, "unauthenticated")))
	})

	t.Run("logout through A stops access tokens", func(t *testing.T) {
		signin := c.login(t, a, "owner@example.com", adminPassword)
		me := b.base + "/api/auth/me"
		c.must(t, http.StatusOK, "GET", me, signin.AccessToken, nil, nil, nil)
		record("access token logout", propagation(t, "logout of an access token",
			func() {
				c.must(t, http.StatusNoContent, "POST", a.base+"/api/auth/logout", "", nil,
					map[string]string{"refresh_token": signin.RefreshToken}, nil)
			},
			expect(t, c, me, signin.AccessToken, nil, http.StatusUnauthorized, "unauthenticated")))
	})

	for _, step := range []struct {
		action string
		status int
		code   string
	}{
		{"suspend", http.StatusForbidden, "tenant_suspended"},
		{"activate", http.StatusOK, ""},
	} {
		t.Run(step.action+" with the CLI", func(t *testing.T) {
			// Both servers cache the tenant as it is now.
			for _, s := range []*server{a, b} {
				c.do(t, "GET", s.base+"/api/projects", owner.AccessToken, tenantHeader("acme"), nil)
			}
			d := propagation(t, "tenant "+step.action+" by the CLI",
				func() { runCLI(t, "tenant", step.action, "acme", "--database-url", dbURL) },
				func() (bool, string) {
					okA, gotA := expect(t, c, a.base+"/api/projects", owner.AccessToken, tenantHeader("acme"), step.status, step.code)()
					okB, gotB := expect(t, c, projects, owner.AccessToken, tenantHeader("acme"), step.status, step.code)()
					return okA && okB, "A: " + gotA + "; B: " + gotB
				})
			record("CLI "+step.action, d)
		})
	}
	t.Logf("propagation times without Redis: %v", times)
}
