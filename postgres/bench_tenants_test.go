package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
)

// BenchmarkManyTenants lists a page of projects of each tenant in turn,
// with 10 and with 2,000 tenants on one store: with the default tenant
// setting (SET LOCAL, whose text names the tenant) the per-list cost should
// not grow with the tenants a connection serves: compare the two
// sub-benchmarks of one run.
func BenchmarkManyTenants(b *testing.B) {
	db, _ := open(b)
	ctx := context.Background()
	var stores []tenantry.TenantStore
	for _, n := range []int{10, 2000} {
		for len(stores) < n {
			i := len(stores)
			_, tn, err := db.Signup(ctx, tenantry.UserCreate{Email: fmt.Sprintf("many%d@example.com", i), Name: "m", PasswordHash: "x"},
				&tenantry.TenantCreate{Name: "m", Slug: fmt.Sprintf("many-%d", i), Plan: "pro"})
			if err != nil {
				b.Fatal(err)
			}
			ts := db.Tenant(tn.ID)
			for j := range 5 {
				if _, err := pj(ts).CreateProject(ctx, tenantry.ProjectCreate{Name: fmt.Sprint("p", j)}); err != nil {
					b.Fatal(err)
				}
			}
			stores = append(stores, ts)
		}
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) { benchManyTenants(b, db, stores[:n]) })
	}
}

func benchManyTenants(b *testing.B, db *postgres.DB, stores []tenantry.TenantStore) {
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			ps, _, err := pj(stores[i%len(stores)]).Projects(ctx, tenantry.ProjectFilter{Page: tenantry.Page{Limit: 20}})
			if err != nil || len(ps) != 5 {
				b.Error(len(ps), err)
				return
			}
			i += 7
		}
	})
}
