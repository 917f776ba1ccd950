package storetest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tenantry/tenantry"
)

// testPlatformRules checks what the platform's changes of a tenant audit
// and do, by content, where the two backends once differed: the data of
// tenant.suspend and tenant.delete, the owner's default tenant after an
// admin creates a tenant for them, and the exact conflict messages.
func testPlatformRules(t *testing.T, s tenantry.Store) {
	ctx := t.Context()
	admin := newUser(t, ctx, s, "platform-admin@example.com")
	ctx = adminCtx(t, ctx, admin.ID, "req-platform")
	owner := newUser(t, ctx, s, "platform-owner@example.com")
	p := s.Platform()
	tn, err := p.CreateTenant(ctx, tenantry.TenantCreate{Name: "Acme", Slug: "acme-rules", Domain: "acme-rules.example", OwnerID: owner.ID})
	fatalIf(t, "CreateTenant", err)
	u, err := s.User(ctx, owner.ID)
	fatalIf(t, "User", err)
	if u.DefaultTenantID != tn.ID {
		t.Errorf("owner's default tenant after CreateTenant: got %q, want %q", u.DefaultTenantID, tn.ID)
	}
	other, err := p.CreateTenant(ctx, tenantry.TenantCreate{Name: "Other", Slug: "other-rules"})
	fatalIf(t, "CreateTenant(other)", err)
	domain := "acme-rules.example"
	_, slugErr := p.CreateTenant(ctx, tenantry.TenantCreate{Name: "Again", Slug: "acme-rules"})
	_, domainErr := p.CreateTenant(ctx, tenantry.TenantCreate{Name: "Again", Slug: "again-rules", Domain: domain})
	_, idErr := p.CreateTenant(ctx, tenantry.TenantCreate{ID: other.ID, Name: "Again", Slug: "again-rules"})
	_, updateErr := p.UpdateTenant(ctx, other.ID, tenantry.TenantUpdate{Domain: &domain})
	_, missing := p.SetTenantStatus(ctx, tenantry.NewID(), tenantry.TenantSuspended)
	for _, tt := range []struct {
		name    string
		err     error
		code    string
		message string
	}{
		{"CreateTenant(same slug)", slugErr, tenantry.ECONFLICT, "A tenant with this slug already exists."},
		{"CreateTenant(same domain)", domainErr, tenantry.ECONFLICT, "A tenant with this domain already exists."},
		{"CreateTenant(same id)", idErr, tenantry.ECONFLICT, "A tenant with this id already exists."},
		{"UpdateTenant(another's domain)", updateErr, tenantry.ECONFLICT, "A tenant with this domain already exists."},
		{"SetTenantStatus(unknown)", missing, tenantry.ETENANTNOTFOUND, "Tenant not found."},
		{"DeleteTenant(not an id)", p.DeleteTenant(ctx, "x"), tenantry.ETENANTNOTFOUND, "Tenant not found."},
	} {
		if wantCode(t, tt.name, tt.err, tt.code) && tenantry.ErrorMessage(tt.err) != tt.message {
			t.Errorf("%s: got message %q, want %q", tt.name, tenantry.ErrorMessage(tt.err), tt.message)
		}
	}

	_, err = p.SetTenantStatus(ctx, tn.ID, tenantry.TenantSuspended)
	fatalIf(t, "SetTenantStatus", err)
	fatalIf(t, "DeleteTenant", p.DeleteTenant(ctx, tn.ID))
	for _, tt := range []struct {
		action, want string
	}{
		{"tenant.create", `{"plan":"free","slug":"acme-rules"}`},
		{"tenant.suspend", `{"from":"active","to":"suspended"}`},
		{"tenant.delete", `{"slug":"acme-rules"}`},
	} {
		ev := wantPlatformAudit(t, ctx, s, tn.ID, tt.action, tn.ID)
		if ev == nil {
			continue
		}
		var got, want any
		if err := json.Unmarshal(ev.Data, &got); err != nil || json.Unmarshal([]byte(tt.want), &want) != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("platform event %s: got data %s, want %s", tt.action, ev.Data, tt.want)
		}
		if ev.Actor.ID != admin.ID || ev.TargetType != "tenant" || ev.RequestID != "req-platform" {
			t.Errorf("platform event %s: got actor %s target type %q request %q, want %s, tenant, req-platform",
				tt.action, ev.Actor.ID, ev.TargetType, ev.RequestID, admin.ID)
		}
	}
}
