package tenantry_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestAuditEventInvalidations: the rule, once for both stores, of which
// cached facts each audited change drops.
func TestAuditEventInvalidations(t *testing.T) {
	const tn, u, k = "t1", "u1", "k1"
	tenant := tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: tn}
	mem := tenantry.Invalidation{Kind: tenantry.InvMember, TenantID: tn, UserID: u}
	tests := []struct {
		action, target string
		data           string
		actor          string
		want           []tenantry.Invalidation
	}{
		{"tenant.create", tn, "", "", []tenantry.Invalidation{tenant}},
		{"tenant.suspend", tn, "", "", []tenantry.Invalidation{tenant}},
		{"tenant.delete", tn, "", "", []tenantry.Invalidation{tenant}},
		{"settings.update", tn, "", "", []tenantry.Invalidation{tenant}},
		{"member.add", u, "", "", []tenantry.Invalidation{mem}},
		{"member.update", u, "", "", []tenantry.Invalidation{mem}},
		{"member.remove", u, "", "", []tenantry.Invalidation{mem, tenantry.UserChanged(u)}},
		{"invitation.accept", "inv1", `{"user_id":"u1","role":"member"}`, "someone", []tenantry.Invalidation{mem}},
		{"invitation.accept", "inv1", "", u, []tenantry.Invalidation{mem}},
		{"api_key.revoke", k, "", "", []tenantry.Invalidation{{Kind: tenantry.InvAPIKey, TenantID: tn, Key: k}}},
		{tenantry.AuditPasswordReset, u, "", "", []tenantry.Invalidation{tenantry.UserChanged(u)}},
		{"api_key.create", k, "", "", nil},
		{"project.create", "p1", "", "", nil},
		{"invoice.create", "i1", "", "", nil},
	}
	for _, tt := range tests {
		ev := &tenantry.AuditEvent{TenantID: tn, Action: tt.action, TargetID: tt.target,
			Actor: tenantry.AuditActor{Type: tenantry.ActorUser, ID: tt.actor}, Data: json.RawMessage(tt.data)}
		if got := ev.Invalidations(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.action, got, tt.want)
		}
	}
}

// TestSessionRevoked: a revoked family stops its access tokens, named by
// the family id.
func TestSessionRevoked(t *testing.T) {
	got := tenantry.SessionRevoked(&tenantry.RefreshToken{UserID: "u1", FamilyID: "f1"})
	want := tenantry.Invalidation{Kind: tenantry.InvSession, UserID: "u1", Key: "f1"}
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}
