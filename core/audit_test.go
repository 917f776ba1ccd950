package core_test

import (
	"slices"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestAuditStore reads a tenant's trail on a real SQLite store: newest
// first, in pages, narrowed to one action, with the data of each change.
func TestAuditStore(t *testing.T) {
	ctx := t.Context()
	tn, ts := newTenant(t, openStore(t), "trail", "")
	var want []string // key ids, oldest first
	for _, name := range []string{"a", "b", "c"} {
		k := &tenantry.APIKey{Name: name, Role: tenantry.RoleMember, Hash: "hash-" + name}
		if err := ts.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		want = append(want, k.ID)
	}
	if err := ts.RevokeAPIKey(ctx, want[0]); err != nil {
		t.Fatal(err)
	}
	var got []string
	f := tenantry.AuditFilter{Action: "api_key.create", Page: tenantry.Page{Limit: 2}}
	for {
		evs, next, err := ts.AuditEvents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.TenantID != tn.ID || e.Action != "api_key.create" || len(e.Data) == 0 {
				t.Errorf("event %+v: want an api_key.create of the tenant with its data", e)
			}
			got = append(got, e.TargetID)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Errorf("api_key.create events newest first: got %v, want %v", got, want)
	}
	all, _, err := ts.AuditEvents(ctx, tenantry.AuditFilter{})
	if err != nil || len(all) != 4 || all[0].Action != "api_key.revoke" || all[0].Data != nil {
		t.Errorf("whole trail: got %d events (%v), want 4 with the revocation first, without data", len(all), err)
	}
}
