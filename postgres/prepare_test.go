package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

// TestNewTenantRoundTrips pins what a tenant new to a connection costs
// with the default tenant setting (SET LOCAL): nothing more than a tenant
// the connection has served before. Its SET LOCAL travels unprepared with
// the statements it precedes, so a list is one round trip and a create
// two for the first request of each of many tenants, and no tenant's
// statement is left prepared on the connection.
func TestNewTenantRoundTrips(t *testing.T) {
	db, writes := openCounting(t)
	ctx := context.Background()
	var stores []tenantry.TenantStore
	for i := range 12 {
		slug := fmt.Sprintf("fresh-%d", i)
		_, tn, err := db.Signup(ctx, tenantry.UserCreate{Email: slug + "@example.com", Name: slug, PasswordHash: "x"},
			&tenantry.TenantCreate{Name: slug, Slug: slug, Plan: "pro"})
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, db.Tenant(tn.ID))
	}
	// The first tenant prepares the statements on the one connection:
	// twice, so that its event counter's are prepared too.
	for range 2 {
		if _, err := pj(stores[0]).CreateProject(ctx, tenantry.ProjectCreate{Name: "warm-up " + tenantry.NewID()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := pj(stores[0]).Projects(ctx, tenantry.ProjectFilter{}); err != nil {
		t.Fatal(err)
	}
	for i, ts := range stores[1:] {
		writes.Store(0)
		if _, _, err := pj(ts).Projects(ctx, tenantry.ProjectFilter{}); err != nil {
			t.Fatal(err)
		}
		if got, want := writes.Load(), int64(1); got != want {
			t.Errorf("tenant %d's first list: got %d round trips, want %d", i+1, got, want)
		}
		writes.Store(0)
		if _, err := pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: "p"}); err != nil {
			t.Fatal(err)
		}
		if got, want := writes.Load(), int64(2); got != want {
			t.Errorf("tenant %d's first create: got %d round trips, want %d", i+1, got, want)
		}
	}
	var tenantStatements, all int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE statement LIKE 'SET LOCAL app.tenant_id%'), count(*)
		FROM pg_prepared_statements`, pgx.QueryExecModeSimpleProtocol).Scan(&tenantStatements, &all)
	if err != nil {
		t.Fatal(err)
	}
	if tenantStatements != 0 {
		t.Errorf("tenant statements prepared on the connection: got %d, want 0", tenantStatements)
	}
	t.Logf("%d statements prepared on the connection after %d tenants", all, len(stores))
}

// TestPrepareBound pins maxPrepared: a connection that has prepared that
// many statements deallocates them and goes on.
func TestPrepareBound(t *testing.T) {
	db, _ := openCounting(t)
	ctx := context.Background()
	c, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	for i := range maxPrepared + 5 {
		b := &pgx.Batch{}
		b.Queue(fmt.Sprintf("SELECT %d", i))
		if err := execBatch(ctx, c.Conn(), b); err != nil {
			t.Fatal(err)
		}
	}
	done := c.Conn().PgConn().CustomData()[preparedKey].(map[string]struct{})
	if got, want := len(done), 5; got != want {
		t.Errorf("statements known prepared after the bound: got %d, want %d", got, want)
	}
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_prepared_statements`, pgx.QueryExecModeSimpleProtocol).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("statements prepared on the server: got %d, want 5", n)
	}
}

func TestUnprepared(t *testing.T) {
	tests := []struct {
		sql  string
		want bool
	}{
		{setTenantPrefix + tenantry.NewID() + "'", true},
		{setUserPrefix + tenantry.NewID() + "'", true},
		{"SET LOCAL app.platform = 'on'", false},
		{"SELECT set_config('app.tenant_id', $1, true)", false},
		{"BEGIN", false},
	}
	for _, tt := range tests {
		if got := unprepared(tt.sql); got != tt.want {
			t.Errorf("unprepared(%q) = %v, want %v", tt.sql, got, tt.want)
		}
	}
}

// execBatch sends b on c (sendBatch) and reads all its results.
func execBatch(ctx context.Context, c *pgx.Conn, b *pgx.Batch) error {
	br, err := sendBatch(ctx, c, b)
	if err != nil {
		return err
	}
	return br.Close()
}
