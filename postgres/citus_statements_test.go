package postgres

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/examples/invoices"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/storetest"
)

// statementRecorder is a pgx tracer that records the text of every
// statement its connections send, each once.
type statementRecorder struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (r *statementRecorder) add(sql string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	r.seen[sql] = true
}

// statements returns what was recorded, sorted.
func (r *statementRecorder) statements() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.seen))
	for s := range r.seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func (r *statementRecorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.add(d.SQL)
	return ctx
}

func (r *statementRecorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (r *statementRecorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (r *statementRecorder) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	r.add(d.SQL)
}

func (r *statementRecorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// tenantTables returns the tables with a tenant_id column of a database
// migrated with exts.
func tenantTables(t *testing.T, exts ...tenantry.Extension) []string {
	t.Helper()
	db := openTest(t, pgtest.URL(t), Options{Extensions: exts})
	c, err := readCitusCatalog(context.Background(), db.pool, false)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tb := range c.Tables {
		if tb.TenantID {
			out = append(out, tb.Name)
		}
	}
	return out
}

// TestStatementsCitusRoutes records every statement the PostgreSQL store
// sends while the conformance suite runs (sign-up, members, invitations,
// API keys, projects, tasks, chat, audit, usage, export, import, delete)
// and fails on any INSERT ... SELECT into a tenant table: Citus runs one
// into a distributed table as a COPY into the shards, which row level
// security refuses ("COPY FROM not supported with row-level security").
// An INSERT ... VALUES with the tenant bound is routed to the tenant's
// shard.
func TestStatementsCitusRoutes(t *testing.T) {
	exts := []tenantry.Extension{projects.Extension()}
	tenant := tenantTables(t, exts...)
	if !slices.Contains(tenant, "projects") {
		t.Fatalf("tenant tables %v: want the projects extension's among them", tenant)
	}
	rec := &statementRecorder{}
	storetest.Run(t, func(t *testing.T) tenantry.Store {
		return openTest(t, pgtest.URL(t), Options{tracer: rec, Extensions: exts})
	})
	all := rec.statements()
	var upserts int
	for _, sql := range all {
		if strings.Contains(sql, "INSERT INTO usage_counters") {
			upserts++
		}
		for _, table := range insertSelectTargets(sql) {
			if slices.Contains(tenant, table) {
				t.Errorf("INSERT ... SELECT into tenant table %s, which Citus does not route to a shard:\n%s", table, sql)
			}
		}
	}
	if len(all) < 100 || upserts == 0 {
		t.Fatalf("recorded %d statements, %d usage upserts: the walk did not run", len(all), upserts)
	}
}

// TestMigrationStatementsOneCommand records every statement that Migrate
// sends for Tenantry's schema and an extension's (goose runs each
// statement of a migration on its own, a StatementBegin block as one) and
// fails on a query string that changes row level security beside another
// command: Citus's workers refuse several commands in one string ("cannot
// insert multiple commands into a prepared statement"). The DO block of
// migration 00001, one command, secures the tables it has just created,
// before any is distributed.
func TestMigrationStatementsOneCommand(t *testing.T) {
	rec := &statementRecorder{}
	openTest(t, pgtest.URL(t), Options{tracer: rec, Extensions: []tenantry.Extension{invoices.Extension()}})
	var rls int
	for _, sql := range rec.statements() {
		upper := strings.ToUpper(sql)
		if !strings.Contains(upper, "ROW LEVEL SECURITY") && !strings.Contains(upper, " POLICY ") {
			continue
		}
		rls++
		if n := sqlCommands(sql); n != 1 {
			t.Errorf("a query string with a row level security change holds %d commands:\n%s", n, sql)
		}
	}
	if rls < 4 {
		t.Fatalf("recorded %d row level security statements: the extension's were not seen", rls)
	}
}
