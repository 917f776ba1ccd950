// Package tenantrytest is the test kit for builders: it opens fresh SQLite
// and PostgreSQL stores with a builder's extensions, and CheckTable runs
// the isolation suite on one of the builder's tables, the same checks
// Tenantry runs on its own tables.
//
//	func TestInvoicesTable(t *testing.T) {
//		for _, b := range tenantrytest.Backends(invoices.Extension()) {
//			t.Run(b.Name, func(t *testing.T) { tenantrytest.CheckTable(t, b.Open(t), spec) })
//		}
//	}
//
// PostgreSQL tests need TENANTRY_TEST_DATABASE_URL (a role that may create
// databases and roles); without it they are skipped, unless
// TENANTRY_TEST_REQUIRE_POSTGRES=1 makes that a failure.
package tenantrytest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
)

// Store is a store opened by the kit. URL is the PostgreSQL database's URL
// as its owner ("" on SQLite), for the raw checks of CheckTable.
type Store struct {
	tenantry.Store
	URL string
}

// Backend opens a fresh store of one backend.
type Backend struct {
	Name string
	Open func(tb testing.TB) Store
}

// Backends returns SQLite and PostgreSQL, each opening a fresh, migrated
// store with Tenantry's own extension (projects.Extension) and exts, as
// app opens them, and the plans of tenantry.DefaultPlans with their
// limits, closed when the test ends.
func Backends(exts ...tenantry.Extension) []Backend {
	exts = projects.With(exts)
	plans := tenantry.DefaultPlans().WithExtensions(exts)
	return []Backend{
		{"sqlite", func(tb testing.TB) Store {
			tb.Helper()
			db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "tenantry.db"), plans, exts...)
			if err != nil {
				tb.Fatalf("sqlite.Open: %v", err)
			}
			tb.Cleanup(func() { db.Close() })
			return Store{Store: db}
		}},
		{"postgres", func(tb testing.TB) Store {
			tb.Helper()
			url := pgtest.URL(tb)
			db, err := postgres.Open(context.Background(), url, plans, postgres.Options{Extensions: exts})
			if err != nil {
				tb.Fatalf("postgres.Open: %v", err)
			}
			tb.Cleanup(func() { db.Close() })
			return Store{Store: db, URL: url}
		}},
	}
}
