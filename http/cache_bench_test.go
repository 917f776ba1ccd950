package http

import (
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// BenchmarkCacheLookup measures the hot path of the tenant cache: a hit by
// slug, from GOMAXPROCS goroutines at once.
func BenchmarkCacheLookup(b *testing.B) {
	c := newCaches(time.Minute)
	c.tenants.put("slug:bench", lookup[*tenantry.Tenant]{v: &tenantry.Tenant{ID: tenantry.NewID(), Slug: "bench"}})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := c.tenants.get("slug:bench"); !ok {
				b.Fatal("miss")
			}
		}
	})
}
