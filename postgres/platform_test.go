package postgres_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestPlatform(t *testing.T) {
	db, _ := open(t)
	_, a := fixture(t, db, "acme", "pro")
	_, b := fixture(t, db, "bolt", "pro")
	ctx := context.Background()
	pl := db.Platform()
	_, err := pl.CreateTenant(ctx, tenantry.TenantCreate{Name: "dup", Slug: "acme"})
	wantCode(t, err, tenantry.ECONFLICT)
	if _, err := pj(db.Tenant(a.ID)).CreateProject(ctx, tenantry.ProjectCreate{Name: "p"}); err != nil {
		t.Fatal(err)
	}
	evs, _, err := pl.AuditEvents(ctx, tenantry.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		seen[e.Action] = true
	}
	if !seen["project.create"] || !seen["tenant.create"] {
		t.Fatalf("platform audit: got actions %v, want project.create and tenant.create", seen)
	}
	evs, _, err = pl.AuditEvents(ctx, tenantry.AuditFilter{TenantID: b.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.TenantID != b.ID {
			t.Fatalf("audit narrowed to B: got event of %s", e.TenantID)
		}
	}
	if _, err := pl.SetTenantStatus(ctx, b.ID, tenantry.TenantSuspended); err != nil {
		t.Fatal(err)
	}
	if err := pl.DeleteTenant(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.TenantByID(ctx, a.ID)
	wantCode(t, err, tenantry.ETENANTNOTFOUND)
	wantCode(t, pl.DeleteTenant(ctx, a.ID), tenantry.ETENANTNOTFOUND)
	ts, next, err := pl.Tenants(ctx, tenantry.TenantFilter{})
	if err != nil || len(ts) != 1 || next != "" {
		t.Fatalf("Tenants: got %d, %q, %v; want 1", len(ts), next, err)
	}
}
