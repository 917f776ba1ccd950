package core_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

// TestTenantDirectory checks the lookups of the tenant directory and the
// platform's tenant search: what each normalizes, and that a client's
// wildcard matches itself only.
func TestTenantDirectory(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	acme, err := db.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Acme 100%", Slug: "acme", Domain: "acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Other", Slug: "other"}); err != nil {
		t.Fatal(err)
	}
	lookups := []struct {
		name string
		find func() (*tenantry.Tenant, error)
		want string // the id found, "" for tenant_not_found
	}{
		{"TenantByID", func() (*tenantry.Tenant, error) { return db.TenantByID(ctx, acme.ID) }, acme.ID},
		{"TenantByID(not an id)", func() (*tenantry.Tenant, error) { return db.TenantByID(ctx, "acme") }, ""},
		{"TenantBySlug", func() (*tenantry.Tenant, error) { return db.TenantBySlug(ctx, "acme") }, acme.ID},
		{"TenantBySlug(any case)", func() (*tenantry.Tenant, error) { return db.TenantBySlug(ctx, " ACME ") }, acme.ID},
		{"TenantBySlug(empty)", func() (*tenantry.Tenant, error) { return db.TenantBySlug(ctx, "") }, ""},
		{"TenantBySlug(unknown)", func() (*tenantry.Tenant, error) { return db.TenantBySlug(ctx, "nobody") }, ""},
		{"TenantByDomain", func() (*tenantry.Tenant, error) { return db.TenantByDomain(ctx, "ACME.example") }, acme.ID},
		{"TenantByDomain(unknown)", func() (*tenantry.Tenant, error) { return db.TenantByDomain(ctx, "other.example") }, ""},
	}
	for _, tt := range lookups {
		got, err := tt.find()
		switch {
		case tt.want == "" && !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND):
			t.Errorf("%s: got %+v, %v; want tenant_not_found", tt.name, got, err)
		case tt.want != "" && (err != nil || got.ID != tt.want || got.Domain != "acme.example"):
			t.Errorf("%s: got %+v, %v; want tenant %s with its domain", tt.name, got, err, tt.want)
		}
	}
	searches := []struct {
		q    string
		want int
	}{{"", 2}, {"ACME", 1}, {"100%", 1}, {"%", 1}, {"_", 0}, {"example", 1}}
	for _, tt := range searches {
		got, _, err := db.Platform().Tenants(ctx, tenantry.TenantFilter{Q: tt.q})
		if err != nil || len(got) != tt.want {
			t.Errorf("Tenants(q %q): got %d tenants, %v; want %d", tt.q, len(got), err, tt.want)
		}
	}
}
