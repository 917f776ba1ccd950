package postgres

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestPlatformAddUsageRoundTrips pins the flush of many tenants' counts to
// one round trip (once its statement is prepared on the connection), as it
// was when it was one INSERT ... SELECT; an id of a deleted tenant costs
// more round trips and writes the others' counts.
func TestPlatformAddUsageRoundTrips(t *testing.T) {
	db, writes := openCounting(t)
	ctx := context.Background()
	var ids []string
	for _, slug := range []string{"flush-a", "flush-b", "flush-c"} {
		_, tn, err := db.Signup(ctx, tenantry.UserCreate{Email: slug + "@example.com", Name: slug, PasswordHash: "x"},
			&tenantry.TenantCreate{Name: slug, Slug: slug, Plan: "pro"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tn.ID)
	}
	p := db.Platform()
	counts := map[string]int64{ids[0]: 1, ids[1]: 2, ids[2]: 3}
	if err := p.AddUsage(ctx, tenantry.CounterRequests, counts); err != nil {
		t.Fatal(err)
	}
	writes.Store(0)
	if err := p.AddUsage(ctx, tenantry.CounterRequests, counts); err != nil {
		t.Fatal(err)
	}
	if got := writes.Load(); got != 1 {
		t.Errorf("AddUsage of 3 tenants: got %d round trips, want 1", got)
	}
	counts[tenantry.NewID()] = 4
	writes.Store(0)
	if err := p.AddUsage(ctx, tenantry.CounterRequests, counts); err != nil {
		t.Fatal(err)
	}
	t.Logf("AddUsage with an unknown tenant: %d round trips", writes.Load())
	u, err := p.TenantUsage(ctx, ids[2])
	if err != nil {
		t.Fatal(err)
	}
	if u.RequestsToday != 9 {
		t.Errorf("requests of the third tenant: got %d, want 9", u.RequestsToday)
	}
}
