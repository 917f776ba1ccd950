package tenantry_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

// TestInvalidationNotifies: only the event streams' kinds are
// notifications; every other kind drops cached facts.
func TestInvalidationNotifies(t *testing.T) {
	tests := []struct {
		kind string
		want bool
	}{
		{tenantry.InvTenant, false},
		{tenantry.InvMember, false},
		{tenantry.InvAPIKey, false},
		{tenantry.InvUser, false},
		{tenantry.InvSession, false},
		{tenantry.InvEvents, true},
		{tenantry.InvPresence, true},
	}
	for _, tt := range tests {
		if got := (tenantry.Invalidation{Kind: tt.kind}).Notifies(); got != tt.want {
			t.Errorf("Notifies(%s): got %v, want %v", tt.kind, got, tt.want)
		}
	}
}
