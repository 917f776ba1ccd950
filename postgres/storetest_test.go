package postgres_test

import (
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/storetest"
)

// openStore opens a fresh PostgreSQL store on a database of its own.
func openStore(tb testing.TB, opts ...postgres.Options) tenantry.Store {
	tb.Helper()
	db, err := postgres.Open(tb.Context(), pgtest.URL(tb), tenantry.DefaultPlans(), withProjects(opts))
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

// The same suites with the tenant set by set_config instead of SET LOCAL.
func TestStoreConformanceSetConfig(t *testing.T) {
	storetest.Run(t, func(t *testing.T) tenantry.Store {
		return openStore(t, postgres.Options{TenantSetting: postgres.SetConfig})
	})
}

func TestStoreIsolationSetConfig(t *testing.T) {
	storetest.RunIsolation(t, func(t *testing.T) tenantry.Store {
		return openStore(t, postgres.Options{TenantSetting: postgres.SetConfig})
	}, 10000)
}

func TestParseTenantSetting(t *testing.T) {
	tests := []struct {
		in      string
		want    postgres.TenantSetting
		wantErr bool
	}{
		{"", postgres.SetLocal, false},
		{"set-local", postgres.SetLocal, false},
		{"set-config", postgres.SetConfig, false},
		{"SET LOCAL", postgres.SetLocal, true},
	}
	for _, tt := range tests {
		got, err := postgres.ParseTenantSetting(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseTenantSetting(%q): got %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) tenantry.Store { return openStore(b) })
}

func BenchmarkExport(b *testing.B) {
	storetest.BenchExport(b, func(b *testing.B) tenantry.Store { return openStore(b) })
}
