package postgres

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
	"github.com/tenantry/tenantry/internal/dbbus"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/projects"
)

// countingConn counts the writes to the server: pgx sends a batch, however
// many statements it holds, in one write, and each write waits for its
// answer, so writes are round trips.
type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}

// openCounting opens a migrated database with a one-connection runtime
// pool whose writes are counted.
func openCounting(t *testing.T) (*DB, *atomic.Int64) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.URL(t)
	migrated, err := Open(ctx, url, tenantry.DefaultPlans(), Options{Extensions: []tenantry.Extension{projects.Extension()}})
	if err != nil {
		t.Fatal(err)
	}
	migrated.Close()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	var writes atomic.Int64
	cfg.MaxConns = 1
	cfg.ConnConfig.DefaultQueryExecMode = batchMode
	cfg.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, writes: &writes}, nil
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET ROLE "+RuntimeRole)
		return err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := &DB{url: url, pool: pool, plans: tenantry.DefaultPlans(), local: dbbus.NewLocal(),
		rules: core.Config{Plans: tenantry.DefaultPlans()}}
	db.wire()
	return db, &writes
}

// TestCreateProjectRoundTrips pins the projects service's CreateProject,
// which goes through the public tenant transaction, to two round trips for
// every outcome once its statements are prepared on the connection: the
// checks with BEGIN and the lock, then COMMIT (or ROLLBACK).
func TestCreateProjectRoundTrips(t *testing.T) {
	db, writes := openCounting(t)
	ctx := context.Background()
	tenant := func(slug, plan string, settings tenantry.Settings) tenantry.TenantStore {
		_, tn, err := db.Signup(ctx, tenantry.UserCreate{Email: slug + "@example.com", Name: slug, PasswordHash: "x"},
			&tenantry.TenantCreate{Name: slug, Slug: slug, Plan: plan, Settings: settings})
		if err != nil {
			t.Fatalf("Signup %s: %v", slug, err)
		}
		return db.Tenant(tn.ID)
	}
	ent := tenant("rt-ent", "enterprise", nil)
	free := tenant("rt-free", "free", nil)
	odd := tenant("rt-odd", "free", nil)
	// An override that is not a whole number, as a hand-edited or migrated
	// row may hold it (the platform API stores whole numbers): Go reads it.
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, `UPDATE tenants SET limits = '{"max_projects": 3.0000000000000001}' WHERE id = $1`, odd.ID())
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	missing := db.Tenant(tenantry.NewID())
	// Prepare the statements on the one connection (SET LOCAL, whose
	// text names the tenant, is never prepared: TestNewTenantRoundTrips).
	// The enterprise tenant writes twice, so that every statement of its
	// creates (its event counter's among them) is prepared.
	for _, ts := range []tenantry.TenantStore{ent, ent, free, odd, missing} {
		_, err := pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: "warm-up " + tenantry.NewID()})
		if err != nil && ts != missing {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		ts       tenantry.TenantStore
		project  string
		wantCode string
		want     int64
	}{
		// The checks travel with BEGIN, the tenant and its lock; the
		// INSERTs with COMMIT, or a refusal decided in Go with ROLLBACK.
		// No expected outcome fails a statement: one that did would make
		// pgx prepare the round trip's statements again.
		{"tenant not found", missing, "a", tenantry.ETENANTNOTFOUND, 2},
		{"created, no quota", ent, "a", "", 2},
		{"created under the quota", free, "a", "", 2},
		{"name taken", free, "a", tenantry.ECONFLICT, 2},
		{"created to the limit", free, "b", "", 2},
		{"over the limit", free, "c", tenantry.EPLANLIMIT, 2},
		{"over the limit, name taken", free, "a", tenantry.EPLANLIMIT, 2},
		{"an override that is not a whole number", odd, "a", "", 2},
	}
	for _, tt := range tests {
		writes.Store(0)
		_, err := pj(tt.ts).CreateProject(ctx, tenantry.ProjectCreate{Name: tt.project})
		if got := tenantry.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: got error %v, want code %q", tt.name, err, tt.wantCode)
		}
		if got := writes.Load(); got != tt.want {
			t.Errorf("%s: got %d round trips, want %d", tt.name, got, tt.want)
		}
	}
}
