package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/storetest"
)

// TestLimitsMigration migrates a version 2 database whose tenants hold
// limits and unknown keys in their settings.
func TestLimitsMigration(t *testing.T) {
	storetest.RunLimitsMigration(t, func(t *testing.T, rows []storetest.LegacyTenant) tenantry.Store {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "tenantry.db")
		raw, err := sql.Open("sqlite", path+"?_foreign_keys=1")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		fsys, err := fs.Sub(migrationFiles, "migrations")
		if err != nil {
			t.Fatal(err)
		}
		p, err := goose.NewProvider(goose.DialectSQLite3, raw, fsys)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UpTo(ctx, 2); err != nil {
			t.Fatalf("migrate to version 2: %v", err)
		}
		now := encTime(tenantry.Now())
		for _, r := range rows {
			if _, err := raw.ExecContext(ctx, `INSERT INTO tenants (id, name, slug, plan, status, settings, created_at, updated_at)
				VALUES (?, ?, ?, 'free', 'active', ?, ?, ?)`, r.ID, r.Slug, r.Slug, r.Settings, now, now); err != nil {
				t.Fatalf("insert %s: %v", r.Slug, err)
			}
		}
		if err := raw.Close(); err != nil {
			t.Fatal(err)
		}
		db, err := Open(ctx, path, tenantry.DefaultPlans())
		if err != nil {
			t.Fatalf("Open (migrate to the latest version): %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
