package sqlite

import (
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
)

// benchTenants and benchProjects size the benchmark database: 100 tenants
// of 200 projects each.
const (
	benchTenants  = 100
	benchProjects = 200
)

// benchDB returns a database of benchTenants tenants with benchProjects
// projects and one member each, and the ids of the tenants, their slugs'
// domains and their owners.
func benchDB(b *testing.B) (db *DB, tenants []string, owners []string) {
	b.Helper()
	db = openTest(b)
	ctx := b.Context()
	err := db.write(ctx, "", func(tx *connTx) error {
		now := encTime(tenantry.Now())
		for i := range benchTenants {
			tid, uid := db.ids.next(), db.ids.next()
			if _, err := tx.Exec(ctx, `INSERT INTO tenants (id, name, slug, domain, plan, status, settings, limits, created_at, updated_at) VALUES (?, ?, ?, ?, 'pro', 'active', '{}', '{}', ?, ?)`,
				tid, fmt.Sprintf("Tenant %d", i), fmt.Sprintf("t%d", i), fmt.Sprintf("t%d.example.com", i), now, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES (?, ?, 'U', '', ?, ?)`,
				uid, fmt.Sprintf("u%d@example.com", i), now, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO members (tenant_id, user_id, id, role, created_at) VALUES (?, ?, ?, 'owner', ?)`,
				tid, uid, db.ids.next(), now); err != nil {
				return err
			}
			for j := range benchProjects {
				if _, err := tx.Exec(ctx, `INSERT INTO projects (id, tenant_id, name, description, is_active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					db.ids.next(), tid, fmt.Sprintf("Project %d", j), "A project description", j%4 != 0, now, now); err != nil {
					return err
				}
			}
			tenants = append(tenants, tid)
			owners = append(owners, uid)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return db, tenants, owners
}

func BenchmarkProjects(b *testing.B) {
	db, tenants, _ := benchDB(b)
	ctx := b.Context()
	h := db.Tenant(tenants[benchTenants/2])
	cases := []struct {
		name string
		f    tenantry.ProjectFilter
	}{
		{"first page", tenantry.ProjectFilter{Page: tenantry.Page{Limit: 20}}},
		{"active", tenantry.ProjectFilter{IsActive: ptr(true), Page: tenantry.Page{Limit: 20}}},
		{"q", tenantry.ProjectFilter{Q: "project 1", Page: tenantry.Page{Limit: 20}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ps, _, err := pj(h).Projects(ctx, c.f)
				if err != nil || len(ps) != 20 {
					b.Fatalf("Projects: got %d, %v", len(ps), err)
				}
			}
		})
	}
	b.Run("page 5", func(b *testing.B) {
		ps, _, err := pj(h).Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Limit: 80}})
		if err != nil {
			b.Fatal(err)
		}
		f := tenantry.ProjectFilter{Page: tenantry.Page{Limit: 20, Cursor: tenantry.Cursor(ps[79].ID)}}
		b.ReportAllocs()
		for b.Loop() {
			if ps, _, err := pj(h).Projects(ctx, f); err != nil || len(ps) != 20 {
				b.Fatalf("Projects: got %d, %v", len(ps), err)
			}
		}
	})
}

func BenchmarkCreateProject(b *testing.B) {
	db, tenants, _ := benchDB(b)
	ctx := b.Context()
	h := db.Tenant(tenants[0])
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprintf("New %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTenantBySlug(b *testing.B) {
	db, _, _ := benchDB(b)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.TenantBySlug(ctx, "t42"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTenantByDomain(b *testing.B) {
	db, _, _ := benchDB(b)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.TenantByDomain(ctx, "t42.example.com"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMember(b *testing.B) {
	db, tenants, owners := benchDB(b)
	ctx := b.Context()
	h := db.Tenant(tenants[42])
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Member(ctx, owners[42]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProjectsParallel(b *testing.B) {
	db, tenants, _ := benchDB(b)
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer() // not the seeding
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			h := db.Tenant(tenants[i%benchTenants])
			if _, _, err := pj(h).Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Limit: 20}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
