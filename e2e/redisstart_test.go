package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/pgtest"
)

// TestRedisDownAtStart starts a server whose Redis is not running: it must
// serve at once on its fallbacks, say so in a JSON log line, keep every
// log line JSON (go-redis's own lines included), and move onto Redis by
// itself once redis-server comes up.
func TestRedisDownAtStart(t *testing.T) {
	redisServerPath(t) // skip early without redis-server
	dbURL := pgtest.URL(t)
	addr := freeAddr(t)
	s := startServer(t, serverConfig{name: "A", databaseURL: dbURL, redisURL: "redis://" + addr + "/0"})
	c := newClient()

	admin := c.login(t, s, adminEmail, adminPassword)
	c.createTenant(t, s, admin.AccessToken, "early", adminEmail)
	c.must(t, http.StatusOK, "GET", s.base+"/api/projects", admin.AccessToken, tenantHeader("early"), nil, nil)
	if up, ok := s.metric(t, c, "tenantry_redis_up"); !ok || up != 0 {
		t.Errorf("with Redis down, tenantry_redis_up = %v (present %v), want 0", up, ok)
	}

	startRedis(t, addr)
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.must(t, http.StatusOK, "GET", s.base+"/api/projects", admin.AccessToken, tenantHeader("early"), nil, nil)
		if up, _ := s.metric(t, c, "tenantry_redis_up"); up == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("tenantry_redis_up still 0 5s after redis-server started, want 1")
		}
		time.Sleep(100 * time.Millisecond)
	}

	logs := s.stderr.String()
	if !strings.Contains(logs, "Redis is not reachable at start") {
		t.Errorf("the log does not say Redis was down at start:\n%s", logs)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %q", line)
		}
	}
}
