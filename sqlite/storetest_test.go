package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
	"github.com/tenantry/tenantry/storetest"
)

// openStore opens a fresh SQLite store in the test's temporary directory.
func openStore(tb testing.TB) tenantry.Store {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "tenantry.db"), tenantry.DefaultPlans(), projects.Extension())
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) tenantry.Store { return openStore(t) })
}

func TestStoreIsolation(t *testing.T) {
	storetest.RunIsolation(t, func(t *testing.T) tenantry.Store { return openStore(t) }, 70000)
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) tenantry.Store { return openStore(b) })
}

func BenchmarkExport(b *testing.B) {
	storetest.BenchExport(b, func(b *testing.B) tenantry.Store { return openStore(b) })
}
