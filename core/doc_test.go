package core_test

import (
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
)

// openStore opens a fresh SQLite store with the projects extension.
func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"), tenantry.DefaultPlans(), projects.Extension())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newUser creates the user with e-mail email.
func newUser(t *testing.T, db *sqlite.DB, email string) *tenantry.User {
	t.Helper()
	u, err := db.CreateUser(t.Context(), tenantry.UserCreate{Email: email, Name: "x", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// newTenant creates a tenant on the free plan, owned by ownerID when set,
// and returns it with its handle.
func newTenant(t *testing.T, db *sqlite.DB, slug, ownerID string) (*tenantry.Tenant, tenantry.TenantStore) {
	t.Helper()
	tn, err := db.Platform().CreateTenant(t.Context(), tenantry.TenantCreate{Name: slug, Slug: slug, Plan: "free", OwnerID: ownerID})
	if err != nil {
		t.Fatal(err)
	}
	return tn, db.Tenant(tn.ID)
}

// recordInvalidations records what db tells OnInvalidation until the test
// ends; the function it returns gives what was told so far.
func recordInvalidations(t *testing.T, db *sqlite.DB) func() []tenantry.Invalidation {
	var (
		mu   sync.Mutex
		told []tenantry.Invalidation
	)
	t.Cleanup(db.OnInvalidation(func(inv tenantry.Invalidation) {
		mu.Lock()
		told = append(told, inv)
		mu.Unlock()
	}))
	return func() []tenantry.Invalidation {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(told)
	}
}
