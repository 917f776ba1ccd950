package postgres

import (
	"context"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/storetest"
)

// TestLimitsMigration migrates a version 3 database whose tenants hold
// limits and unknown keys in their settings.
func TestLimitsMigration(t *testing.T) {
	storetest.RunLimitsMigration(t, func(t *testing.T, rows []storetest.LegacyTenant) tenantry.Store {
		ctx := context.Background()
		url := pgtest.URL(t)
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		raw := stdlib.OpenDB(*cfg)
		defer raw.Close()
		sub, err := fs.Sub(migrations, "migrations")
		if err != nil {
			t.Fatal(err)
		}
		p, err := goose.NewProvider(goose.DialectPostgres, raw, sub, goose.WithDisableGlobalRegistry(true))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UpTo(ctx, 3); err != nil {
			t.Fatalf("migrate to version 3: %v", err)
		}
		now := tenantry.Now()
		for _, r := range rows {
			if _, err := raw.ExecContext(ctx, `INSERT INTO tenants (id, name, slug, plan, status, settings, created_at, updated_at)
				VALUES ($1, $2, $3, 'free', 'active', $4::jsonb, $5, $5)`, r.ID, r.Slug, r.Slug, r.Settings, now); err != nil {
				t.Fatalf("insert %s: %v", r.Slug, err)
			}
		}
		db, err := Open(ctx, url, tenantry.DefaultPlans())
		if err != nil {
			t.Fatalf("Open (migrate to the latest version): %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
