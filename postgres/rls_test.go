package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
)

var tenantTables = []string{"members", "invitations", "api_keys", "projects", "tasks",
	"audit_events", "chat_sessions", "chat_messages", "usage_counters", "tenant_events", "tenant_event_seqs"}

// rawApp returns a raw connection acting as the runtime role, with none of
// the application's filters.
func rawApp(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	if _, err := conn.Exec(ctx, "SET ROLE "+postgres.RuntimeRole); err != nil {
		t.Fatal(err)
	}
	return conn
}

func seedTwoTenants(t *testing.T, db *postgres.DB) (a, b *tenantry.Tenant) {
	t.Helper()
	ctx := context.Background()
	_, a = fixture(t, db, "alpha", "pro")
	_, b = fixture(t, db, "bravo", "pro")
	for _, tn := range []*tenantry.Tenant{a, b} {
		ts := db.Tenant(tn.ID)
		p, err := pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: "p-" + tn.Slug})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pj(ts).CreateTask(ctx, tenantry.TaskCreate{ProjectID: p.ID, Title: "t"}); err != nil {
			t.Fatal(err)
		}
		cs := &tenantry.ChatSession{}
		if err := ts.CreateChatSession(ctx, cs); err != nil {
			t.Fatal(err)
		}
		if err := ts.AppendChatMessages(ctx, cs.ID, &tenantry.ChatMessage{Role: "user", Content: "hi"}); err != nil {
			t.Fatal(err)
		}
		if err := ts.CreateInvitation(ctx, &tenantry.Invitation{Email: "x@example.com", Role: tenantry.RoleMember, TokenHash: "h" + tn.ID}); err != nil {
			t.Fatal(err)
		}
		if err := ts.CreateAPIKey(ctx, &tenantry.APIKey{Name: "k", Role: tenantry.RoleMember, Hash: "k" + tn.ID}); err != nil {
			t.Fatal(err)
		}
		if err := ts.AddUsage(ctx, tenantry.CounterRequests, 1); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

func TestRLSNoTenantSeesNothing(t *testing.T) {
	db, url := open(t)
	seedTwoTenants(t, db)
	conn := rawApp(t, url)
	ctx := context.Background()
	for _, table := range tenantTables {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if n != 0 {
			t.Errorf("%s with no tenant: got %d rows, want 0", table, n)
		}
	}
}

func TestRLSTenantSeesOwnRowsOnly(t *testing.T) {
	db, url := open(t)
	a, b := seedTwoTenants(t, db)
	conn := rawApp(t, url)
	ctx := context.Background()
	for _, table := range tenantTables {
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "SET LOCAL app.tenant_id = '"+a.ID+"'"); err != nil {
			t.Fatal(err)
		}
		var own, foreign int
		if err := tx.QueryRow(ctx, "SELECT count(*) FILTER (WHERE tenant_id = $1), count(*) FILTER (WHERE tenant_id <> $1) FROM "+table, a.ID).Scan(&own, &foreign); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if own == 0 || foreign != 0 {
			t.Errorf("%s as tenant A: got own=%d foreign=%d, want own>0 foreign=0", table, own, foreign)
		}
		_ = tx.Rollback(ctx)
	}
	// Writes naming tenant B while A is set fail.
	now := tenantry.Now()
	writes := []struct {
		name, sql string
		args      []any
	}{
		{"insert", "INSERT INTO projects (tenant_id, id, name, created_at, updated_at) VALUES ($1, $2, 'evil', $3, $3)", []any{b.ID, tenantry.NewID(), now}},
		{"update into B", "UPDATE projects SET tenant_id = $1 WHERE tenant_id = $2", []any{b.ID, a.ID}},
	}
	for _, w := range writes {
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "SET LOCAL app.tenant_id = '"+a.ID+"'"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, w.sql, w.args...); err == nil {
			t.Errorf("%s naming tenant B as A: got nil error, want RLS violation", w.name)
		}
		_ = tx.Rollback(ctx)
	}
	// An UPDATE of B's rows as A touches nothing.
	tx, _ := conn.Begin(ctx)
	_, _ = tx.Exec(ctx, "SET LOCAL app.tenant_id = '"+a.ID+"'")
	ct, err := tx.Exec(ctx, "UPDATE projects SET name = 'x' WHERE tenant_id = $1", b.ID)
	if err != nil || ct.RowsAffected() != 0 {
		t.Errorf("update B as A: got %v rows, %v; want 0, nil", ct.RowsAffected(), err)
	}
	_ = tx.Rollback(ctx)
}

// TestRLSUsageFlushException: app.usage_flush = 'on' lets the runtime
// role insert and increment any tenant's usage counters, and nothing
// more: no deletes there, no other table, and nothing without it.
func TestRLSUsageFlushException(t *testing.T) {
	db, url := open(t)
	a, b := seedTwoTenants(t, db)
	conn := rawApp(t, url)
	ctx := context.Background()
	upsert := `INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES ($1, current_date, 'requests', 1)
		ON CONFLICT (tenant_id, day, counter) DO UPDATE SET value = usage_counters.value + 1`
	tests := []struct {
		name, set, sql string
		args           []any
		wantErr        bool
		wantRows       int64
	}{
		{"upsert without the flag or a tenant", "", upsert, []any{a.ID}, true, 0},
		{"upsert of B as tenant A", "SET LOCAL app.tenant_id = '" + a.ID + "'", upsert, []any{b.ID}, true, 0},
		{"upsert of A with the flag", "SET LOCAL app.usage_flush = 'on'", upsert, []any{a.ID}, false, 1},
		{"upsert of B with the flag", "SET LOCAL app.usage_flush = 'on'", upsert, []any{b.ID}, false, 1},
		{"delete with the flag", "SET LOCAL app.usage_flush = 'on'", "DELETE FROM usage_counters", nil, false, 0},
		{"projects with the flag", "SET LOCAL app.usage_flush = 'on'", "UPDATE projects SET name = name || '!'", nil, false, 0},
	}
	for _, tt := range tests {
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tt.set != "" {
			if _, err := tx.Exec(ctx, tt.set); err != nil {
				t.Fatal(err)
			}
		}
		ct, err := tx.Exec(ctx, tt.sql, tt.args...)
		if (err != nil) != tt.wantErr || ct.RowsAffected() != tt.wantRows {
			t.Errorf("%s: got %d rows, error %v; want %d rows, error %v", tt.name, ct.RowsAffected(), err, tt.wantRows, tt.wantErr)
		}
		_ = tx.Rollback(ctx)
	}
}

func TestRLSCatalog(t *testing.T) {
	_, url := open(t)
	conn := rawApp(t, url)
	ctx := context.Background()
	rows, err := conn.Query(ctx, `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
		EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polqual IS NOT NULL AND p.polwithcheck IS NOT NULL)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)`)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for rows.Next() {
		var name string
		var rls, force, policy bool
		if err := rows.Scan(&name, &rls, &force, &policy); err != nil {
			t.Fatal(err)
		}
		seen++
		if !rls || !force || !policy {
			t.Errorf("%s: got rowsecurity=%v force=%v policy=%v, want all true", name, rls, force, policy)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != len(tenantTables) {
		t.Errorf("tables with tenant_id: got %d, want %d", seen, len(tenantTables))
	}
	var super, bypass bool
	var owned int
	if err := conn.QueryRow(ctx, `SELECT r.rolsuper, r.rolbypassrls,
		(SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid) FROM pg_roles r WHERE r.rolname = current_user`).Scan(&super, &bypass, &owned); err != nil {
		t.Fatal(err)
	}
	if super || bypass || owned != 0 {
		t.Errorf("runtime role: got super=%v bypassrls=%v owned=%d, want false false 0", super, bypass, owned)
	}
}

func TestConnectionReuse(t *testing.T) {
	db, _ := open(t, postgres.Options{MaxConns: 1})
	a, b := seedTwoTenants(t, db)
	ctx := context.Background()
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		tn := a
		if i%2 == 1 {
			tn = b
		}
		ps, _, err := pj(db.Tenant(tn.ID)).Projects(ctx, tenantry.ProjectFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.TenantID != tn.ID {
				t.Fatalf("transaction %d: got a row of tenant %s under %s", i, p.TenantID, tn.ID)
			}
		}
		if len(ps) != 1 {
			t.Fatalf("transaction %d: got %d projects, want 1", i, len(ps))
		}
	}
	tx, err := db.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var got string
	if err := tx.QueryRow(ctx, "SELECT coalesce(current_setting('app.tenant_id', true), '')").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "" {
		t.Fatalf("app.tenant_id in a fresh transaction: got %q, want empty", got)
	}
}

// TestRLSEventsPlatformException: app.platform = 'on' lets the runtime
// role read and delete (prune) every tenant's events, and nothing more:
// no insert or update of events, no counter, nothing without it.
func TestRLSEventsPlatformException(t *testing.T) {
	db, url := open(t)
	a, b := seedTwoTenants(t, db)
	conn := rawApp(t, url)
	ctx := context.Background()
	insert := `INSERT INTO tenant_events (tenant_id, seq, id, type, actor_type, at) VALUES ($1, 1000, $2, 'x.created', 'system', now())`
	counter := `INSERT INTO tenant_event_seqs (tenant_id, seq) VALUES ($1, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET seq = tenant_event_seqs.seq + 1 RETURNING seq`
	platform := "SET LOCAL app.platform = 'on'"
	tests := []struct {
		name, set, sql string
		args           []any
		wantErr        bool
		wantRows       int64
	}{
		{"read without the flag or a tenant", "", "SELECT FROM tenant_events", nil, false, 0},
		{"delete without the flag or a tenant", "", "DELETE FROM tenant_events", nil, false, 0},
		{"insert of B as tenant A", "SET LOCAL app.tenant_id = '" + a.ID + "'", insert, []any{b.ID, tenantry.NewID()}, true, 0},
		{"counter of B as tenant A", "SET LOCAL app.tenant_id = '" + a.ID + "'", counter, []any{b.ID}, true, 0},
		{"insert with the flag", platform, insert, []any{a.ID, tenantry.NewID()}, true, 0},
		{"update with the flag (events are never updated: no grant)", platform, "UPDATE tenant_events SET type = 'y'", nil, true, 0},
		{"counters with the flag", platform, "UPDATE tenant_event_seqs SET seq = seq + 1", nil, false, 0},
		{"read with the flag", platform, "SELECT FROM tenant_events WHERE tenant_id IN ($1, $2) GROUP BY tenant_id", []any{a.ID, b.ID}, false, 2},
	}
	for _, tt := range tests {
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tt.set != "" {
			if _, err := tx.Exec(ctx, tt.set); err != nil {
				t.Fatal(err)
			}
		}
		ct, err := tx.Exec(ctx, tt.sql, tt.args...)
		if (err != nil) != tt.wantErr || ct.RowsAffected() != tt.wantRows {
			t.Errorf("%s: got %d rows, error %v; want %d rows, error %v", tt.name, ct.RowsAffected(), err, tt.wantRows, tt.wantErr)
		}
		_ = tx.Rollback(ctx)
	}
}
