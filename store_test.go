package tenantry_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/sqlite"
)

// openStore opens a real SQLite store in a temporary directory, closed
// when the test ends.
func openStore(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"), tenantry.DefaultPlans())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
