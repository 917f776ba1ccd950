package app

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/pgtest"
)

// TestTenantPlace runs tenantry tenant place on SQLite and on a plain
// PostgreSQL: a request that is well formed answers that the database is
// not a Citus cluster; a malformed one is refused before the store opens.
func TestTenantPlace(t *testing.T) {
	backends := []struct {
		name string
		env  func(t *testing.T) map[string]string
	}{
		{"sqlite", func(t *testing.T) map[string]string { return map[string]string{"TENANTRY_DATA": t.TempDir()} }},
		{"postgres", func(t *testing.T) map[string]string {
			return map[string]string{"TENANTRY_DATA": t.TempDir(), "DATABASE_URL": pgtest.URL(t)}
		}},
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"isolate", []string{"tenant", "place", "acme", "--isolate"}, "This database is not a Citus cluster."},
		{"move", []string{"tenant", "place", "--node", "w2:5432", "acme", "--mode", "force_logical"}, "This database is not a Citus cluster."},
		{"nothing asked", []string{"tenant", "place", "acme"}, "isolate: isolate, a node or both are required."},
		{"bad node", []string{"tenant", "place", "acme", "--node", "w2"}, "node: must be host:port."},
		{"bad mode", []string{"tenant", "place", "acme", "--isolate", "--mode", "fast"}, "mode: must be block_writes, auto or force_logical."},
		{"unknown tenant", []string{"tenant", "place", "nope", "--isolate"}, "Tenant not found."},
		{"no tenant", []string{"tenant", "place", "--isolate"}, "usage: tenantry tenant place"},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			c := &cli{t: t, env: b.env(t)}
			c.mustRun("tenant", "create", "--name", "Acme", "--slug", "acme")
			for _, tt := range tests {
				out, err := c.run(tt.args...)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("%s: got %v (%s), want an error with %q", tt.name, err, out, tt.wantErr)
				}
			}
		})
	}
}
