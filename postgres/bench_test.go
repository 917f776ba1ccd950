package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
)

// benchDB makes 100 tenants; the first has 200 projects.
func benchDB(b *testing.B) (*postgres.DB, *tenantry.User, *tenantry.Tenant) {
	db, _ := open(b)
	ctx := context.Background()
	var (
		owner *tenantry.User
		first *tenantry.Tenant
	)
	for i := 0; i < 100; i++ {
		u, tn := fixture(b, db, fmt.Sprintf("t%03d", i), "enterprise")
		if i == 0 {
			owner, first = u, tn
		}
		n := 2
		if i == 0 {
			n = 200
		}
		for j := 0; j < n; j++ {
			if _, err := db.Tenant(tn.ID).CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprint("p", j)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := db.Platform().UpdateTenant(ctx, first.ID, tenantry.TenantUpdate{Domain: ptr("bench.example.com")}); err != nil {
		b.Fatal(err)
	}
	return db, owner, first
}

func ptr[T any](v T) *T { return &v }

func BenchmarkPostgres(b *testing.B) {
	db, owner, tn := benchDB(b)
	ctx := context.Background()
	ts := db.Tenant(tn.ID)
	b.Run("ListProjects20", func(b *testing.B) {
		for b.Loop() {
			ps, _, err := ts.Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Limit: 20}})
			if err != nil || len(ps) != 20 {
				b.Fatal(len(ps), err)
			}
		}
	})
	b.Run("CreateProject", func(b *testing.B) {
		for b.Loop() {
			if _, err := ts.CreateProject(ctx, tenantry.ProjectCreate{Name: tenantry.NewID()}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TenantBySlug", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.TenantBySlug(ctx, tn.Slug); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TenantByDomain", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.TenantByDomain(ctx, "bench.example.com"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Member", func(b *testing.B) {
		for b.Loop() {
			if _, err := ts.Member(ctx, owner.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
