package postgres_test

import (
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/storetest"
)

// openStore opens a fresh PostgreSQL store on a database of its own.
func openStore(tb testing.TB) tenantry.Store {
	tb.Helper()
	db, err := postgres.Open(tb.Context(), pgtest.URL(tb), tenantry.DefaultPlans())
	if err != nil {
		tb.Fatalf("postgres.Open: %v", err)
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
	storetest.RunIsolation(t, func(t *testing.T) tenantry.Store { return openStore(t) }, 30000)
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) tenantry.Store { return openStore(b) })
}
