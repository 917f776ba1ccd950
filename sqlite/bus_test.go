package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/dbbus"
	"github.com/tenantry/tenantry/sqlite"
	"github.com/tenantry/tenantry/storetest"
)

// TestBus runs the shared Bus behaviour on one database file opened once
// per Bus, as separate processes would.
func TestBus(t *testing.T) {
	storetest.RunBus(t, func(t *testing.T) func(dbbus.Options) storetest.DBBus {
		path := filepath.Join(t.TempDir(), "tenantry.db")
		return func(opts dbbus.Options) storetest.DBBus {
			db, err := sqlite.Open(t.Context(), path, tenantry.DefaultPlans())
			if err != nil {
				t.Fatalf("sqlite.Open: %v", err)
			}
			t.Cleanup(func() {
				if err := db.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			return db.Bus(opts)
		}
	})
}

// TestInvalidations runs the invalidations outbox checks: the store and a
// second handle on the same file.
func TestInvalidations(t *testing.T) {
	storetest.RunInvalidations(t, func(t *testing.T) (tenantry.Store, func(dbbus.Options) storetest.DBBus) {
		path := filepath.Join(t.TempDir(), "tenantry.db")
		open := func() *sqlite.DB {
			db, err := sqlite.Open(t.Context(), path, tenantry.DefaultPlans())
			if err != nil {
				t.Fatalf("sqlite.Open: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		s := open()
		return s, func(opts dbbus.Options) storetest.DBBus { return open().Bus(opts) }
	})
}
