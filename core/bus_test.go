package core_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// TestInvalidationArgs pins the order of a row's values, which both
// backends' insert statements and core.BusTable's reads share: kind,
// subject tenant, user, key, origin, created_at. (storetest.RunBus runs
// core.BusTable itself on both backends.)
func TestInvalidationArgs(t *testing.T) {
	at := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	inv := tenantry.Invalidation{Kind: "member", TenantID: "t1", UserID: "u1", Key: "k1"}
	got := core.InvalidationArgs("proc-a", inv, at)
	want := []any{"member", "t1", "u1", "k1", "proc-a", at}
	if !slices.Equal(got, want) {
		t.Errorf("InvalidationArgs: got %v, want %v", got, want)
	}
}
