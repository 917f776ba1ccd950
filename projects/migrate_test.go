package projects_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the database/sql driver goose runs on

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
)

// versionOne makes a SQLite file at path with Tenantry's schema, a tenant
// with its owner and version 1 of the extension (rowid tables), and
// returns the tenant and owner ids and a database/sql handle on it with
// foreign keys as fk says.
func versionOne(t *testing.T, path string, fk bool) (tenantID, ownerID string, raw *sql.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, tenantry.DefaultPlans())
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, tenantry.UserCreate{Email: "owner@clustered.test", Name: "Owner", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	tn, err := db.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Clustered", Slug: "clustered", Plan: "pro", OwnerID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	dsn := path + "?_foreign_keys=1"
	if !fk {
		dsn = path + "?_foreign_keys=0"
	}
	raw, err = sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	t.Cleanup(func() { raw.Close() })
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, projects.Extension().SQLite,
		goose.WithTableName("goose_"+projects.Name), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatalf("extension version 1: %v", err)
	}
	return tn.ID, u.ID, raw
}

// TestClusteredMigration upgrades a SQLite file whose projects and tasks
// are rowid tables (the extension's version 1) with rows in them: after
// migration 2 they are WITHOUT ROWID tables holding the same rows, whose
// keys are still enforced and still cascade.
func TestClusteredMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tenantry.db")
	plans := tenantry.DefaultPlans()

	tnID, ownerID, raw := versionOne(t, path, true)
	tn, u := &tenantry.Tenant{ID: tnID}, &tenantry.User{ID: ownerID}
	const at = "2026-12-03T18:00:00.000000Z"
	ids := map[string]string{"alpha": tenantry.NewID(), "beta": tenantry.NewID(), "t1": tenantry.NewID(), "t2": tenantry.NewID(), "t3": tenantry.NewID()}
	for _, name := range []string{"alpha", "beta"} {
		if _, err := raw.ExecContext(ctx, `INSERT INTO projects (tenant_id, id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			tn.ID, ids[name], name, at, at); err != nil {
			t.Fatal(err)
		}
	}
	for task, project := range map[string]string{"t1": "alpha", "t2": "alpha", "t3": "beta"} {
		if _, err := raw.ExecContext(ctx, `INSERT INTO tasks (tenant_id, id, project_id, title, assigned_to_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, tn.ID, ids[task], ids[project], task, u.ID, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := sqlite.Open(ctx, path, plans, projects.Extension())
	if err != nil {
		t.Fatalf("Open with the extension (migration 2): %v", err)
	}
	defer db.Close()
	svc := projects.Prepare(plans).For(db.Tenant(tn.ID))
	ps, _, err := svc.Projects(ctx, tenantry.ProjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	if got, want := strings.Join(names, ","), "alpha,beta"; got != want {
		t.Errorf("projects after the migration: got %s, want %s", got, want)
	}
	tasks, _, err := svc.Tasks(ctx, tenantry.TaskFilter{ProjectID: ids["alpha"]})
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 || tasks[0].AssignedToID == nil || *tasks[0].AssignedToID != u.ID {
		t.Errorf("alpha's tasks after the migration: got %+v, want t1 and t2 assigned to the owner", tasks)
	}

	raw, err = sql.Open("sqlite", path+"?_foreign_keys=1")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, table := range []string{"projects", "tasks"} {
		var ddl string
		if err := raw.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&ddl); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ddl, "WITHOUT ROWID") {
			t.Errorf("%s after the migration: %s, want a WITHOUT ROWID table", table, ddl)
		}
	}

	// The keys hold: deleting a project takes its tasks, a task of no
	// project is refused.
	if err := svc.DeleteProject(ctx, ids["alpha"]); err != nil {
		t.Fatal(err)
	}
	left, _, err := svc.Tasks(ctx, tenantry.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].Title != "t3" {
		t.Errorf("tasks after deleting alpha: got %d (%+v), want t3 alone", len(left), left)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO tasks (tenant_id, id, project_id, title, created_at, updated_at) VALUES (?, ?, ?, 'x', ?, ?)`,
		tn.ID, tenantry.NewID(), tenantry.NewID(), at, at); err == nil {
		t.Error("a task of no project: got no error, want the foreign key's")
	}
}

// TestClusteredMigrationRefusesDanglingKeys: a file whose task points at
// no project (written with foreign keys off) fails migration 2, which
// leaves the tables as they were.
func TestClusteredMigrationRefusesDanglingKeys(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tenantry.db")
	tnID, _, raw := versionOne(t, path, false)
	const at = "2026-12-03T18:00:00.000000Z"
	if _, err := raw.ExecContext(ctx, `INSERT INTO tasks (tenant_id, id, project_id, title, created_at, updated_at) VALUES (?, ?, ?, 'orphan', ?, ?)`,
		tnID, tenantry.NewID(), tenantry.NewID(), at, at); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err := sqlite.Open(ctx, path, tenantry.DefaultPlans(), projects.Extension()); err == nil {
		db.Close()
		t.Fatal("Open over a dangling task: got no error, want migration 2 refused")
	} else if !strings.Contains(err.Error(), "CHECK constraint failed") {
		t.Fatalf("Open over a dangling task: got %v, want the dangling-key check to fail migration 2", err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var ddl string
	var n int
	if err := raw.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'tasks'`).Scan(&ddl); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM tasks`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ddl, "WITHOUT ROWID") || n != 1 {
		t.Errorf("after the refused migration: tasks %q with %d rows, want the rowid table and its row", ddl, n)
	}
}
