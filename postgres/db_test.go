package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
)

// open returns a migrated store on a fresh database and its URL.
func open(t testing.TB, opts ...postgres.Options) (*postgres.DB, string) {
	t.Helper()
	url := pgtest.URL(t)
	db, err := postgres.Open(context.Background(), url, tenantry.DefaultPlans(), withProjects(opts))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, url
}

// fixture creates a user and a tenant owned by it.
func fixture(t testing.TB, db *postgres.DB, slug, plan string) (*tenantry.User, *tenantry.Tenant) {
	t.Helper()
	u, tn, err := db.Signup(context.Background(), tenantry.UserCreate{Email: slug + "@example.com", Name: slug, PasswordHash: "x"},
		&tenantry.TenantCreate{Name: slug, Slug: slug, Plan: plan})
	if err != nil {
		t.Fatalf("Signup %s: %v", slug, err)
	}
	return u, tn
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := tenantry.ErrorCode(err); got != code {
		t.Fatalf("error code: got %q (%v), want %q", got, err, code)
	}
}

func TestOpenRuntimeRole(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	var user string
	if err := db.Pool().QueryRow(ctx, "SELECT current_user").Scan(&user); err != nil {
		t.Fatal(err)
	}
	if user != postgres.RuntimeRole {
		t.Fatalf("current_user: got %q, want %q", user, postgres.RuntimeRole)
	}
	var timeout string
	if err := db.Pool().QueryRow(ctx, "SHOW statement_timeout").Scan(&timeout); err != nil {
		t.Fatal(err)
	}
	if timeout != "5s" {
		t.Fatalf("statement_timeout: got %q, want 5s", timeout)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
}

func TestOpenRefusesOwner(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, url, tenantry.DefaultPlans())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE owned_by_app (x int); ALTER TABLE owned_by_app OWNER TO tenantry_app"); err != nil {
		t.Fatal(err)
	}
	if db, err := postgres.Open(ctx, url, tenantry.DefaultPlans()); err == nil {
		db.Close()
		t.Fatal("Open: got nil error with a table owned by the runtime role, want refusal")
	}
}

func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(ctx, url, nil)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
}

func TestTenantRequired(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	for _, id := range []string{"", "not-a-uuid", "../../etc"} {
		ts := db.Tenant(id)
		_, _, err := pj(ts).Projects(ctx, tenantry.ProjectFilter{})
		wantCode(t, err, tenantry.ETENANTREQUIRED)
		_, err = pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: "x"})
		wantCode(t, err, tenantry.ETENANTREQUIRED)
		_, err = ts.Tenant(ctx)
		wantCode(t, err, tenantry.ETENANTREQUIRED)
		_, err = ts.Member(ctx, tenantry.NewID())
		wantCode(t, err, tenantry.ETENANTREQUIRED)
	}
}

func TestDefaultPoolSize(t *testing.T) {
	db, _ := open(t, postgres.Options{})
	if got, want := db.Stats().Max, int(postgres.DefaultMaxConns()); got != want {
		t.Errorf("pool size with no option and no pool_max_conns: got %d, want %d", got, want)
	}
	if got := postgres.DefaultMaxConns(); got < 8 {
		t.Errorf("DefaultMaxConns: got %d, want at least 8", got)
	}
}

func TestPoolSizeFromURL(t *testing.T) {
	url := pgtest.URL(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	db, err := postgres.Open(t.Context(), url+sep+"pool_max_conns=3", tenantry.DefaultPlans())
	if err != nil {
		t.Fatalf("Open with pool_max_conns in the URL: %v", err)
	}
	defer db.Close()
	if got, want := db.Stats().Max, 3; got != want {
		t.Errorf("pool size: got %d, want %d", got, want)
	}
}
