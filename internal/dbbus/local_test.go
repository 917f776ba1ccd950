package dbbus_test

import (
	"slices"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/dbbus"
)

// TestLocalDeliver: every subscriber gets every invalidation in order,
// until it stops; each Local has an origin of its own.
func TestLocalDeliver(t *testing.T) {
	l := dbbus.NewLocal()
	var a, b []string
	stopA := l.Add(func(inv tenantry.Invalidation) { a = append(a, inv.TenantID) })
	l.Add(func(inv tenantry.Invalidation) { b = append(b, inv.TenantID) })
	l.Deliver([]tenantry.Invalidation{{Kind: tenantry.InvTenant, TenantID: "1"}, {Kind: tenantry.InvTenant, TenantID: "2"}})
	stopA()
	l.Deliver([]tenantry.Invalidation{{Kind: tenantry.InvTenant, TenantID: "3"}})
	l.Deliver(nil)
	if want := []string{"1", "2"}; !slices.Equal(a, want) {
		t.Errorf("stopped subscriber: got %v, want %v", a, want)
	}
	if want := []string{"1", "2", "3"}; !slices.Equal(b, want) {
		t.Errorf("subscriber: got %v, want %v", b, want)
	}
	if o := dbbus.NewLocal().Origin(); o == l.Origin() || o == "" {
		t.Errorf("origins: got %q and %q, want two distinct ids", o, l.Origin())
	}
}
