package postgres_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

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
			if _, err := pj(db.Tenant(tn.ID)).CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprint("p", j)}); err != nil {
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
			ps, _, err := pj(ts).Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Limit: 20}})
			if err != nil || len(ps) != 20 {
				b.Fatal(len(ps), err)
			}
		}
	})
	b.Run("CreateProject", func(b *testing.B) {
		for b.Loop() {
			if _, err := pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: tenantry.NewID()}); err != nil {
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

// benchCreateSeed is how many projects each benchmark tenant starts with,
// as in the load benchmark's data set.
const benchCreateSeed = 200

// benchCreateTenants makes n tenants on plan with benchCreateSeed projects
// each (inserted in bulk, not through CreateProject, so the set-up stays
// short) and returns their handles.
func benchCreateTenants(b *testing.B, db *postgres.DB, plan string, n int) []tenantry.TenantStore {
	b.Helper()
	ctx := context.Background()
	out := make([]tenantry.TenantStore, n)
	for i := range out {
		_, tn := fixture(b, db, fmt.Sprintf("%s-%02d", plan, i), plan)
		err := pgx.BeginFunc(ctx, db.Pool(), func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tn.ID); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO projects (tenant_id, id, name, created_at, updated_at)
				SELECT $1, gen_random_uuid(), 'seed ' || g, now(), now() FROM generate_series(1, $2::int) g`, tn.ID, benchCreateSeed)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		out[i] = db.Tenant(tn.ID)
	}
	return out
}

// benchCreate runs create from 8 goroutines per core (16 here, like the
// load benchmark's clients), spreading them over tenants.
func benchCreate(b *testing.B, tenants []tenantry.TenantStore, create func(context.Context, tenantry.TenantStore, tenantry.ProjectCreate) (*tenantry.Project, error)) {
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ts := tenants[int(next.Add(1))%len(tenants)]
		for pb.Next() {
			if _, err := create(ctx, ts, tenantry.ProjectCreate{Name: tenantry.NewID(), Description: "A project description"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func createProject(ctx context.Context, ts tenantry.TenantStore, pc tenantry.ProjectCreate) (*tenantry.Project, error) {
	return pj(ts).CreateProject(ctx, pc)
}

// BenchmarkCreateProject measures CreateProject under concurrency on 50
// tenants, with the default pool (4 connections on 2 cores, as `tenantry
// serve` has): "enterprise" has no project quota, as in the load
// benchmark, and "pro" has one (10,000), so each create also counts the
// tenant's projects under the tenant's lock. Creates are bound by the WAL
// flush of their COMMIT: the figures move with the disk's fsync latency,
// and a pool of more connections shares each flush among more commits.
func BenchmarkCreateProject(b *testing.B) {
	db, _ := open(b)
	for _, plan := range []string{"enterprise", "pro"} {
		tenants := benchCreateTenants(b, db, plan, 50)
		b.Run(plan, func(b *testing.B) { benchCreate(b, tenants, createProject) })
	}
}
