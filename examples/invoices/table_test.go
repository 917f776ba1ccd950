package invoices_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/examples/invoices"
	"github.com/tenantry/tenantry/tenantrytest"
)

// TestInvoicesTable runs Tenantry's isolation suite for builders on the
// invoices table, on both backends.
func TestInvoicesTable(t *testing.T) {
	spec := tenantrytest.TableSpec{Table: "invoices", Unique: true,
		Insert: func(ctx context.Context, ts tenantry.TenantStore, number string) (string, error) {
			id := tenantry.NewID()
			err := ts.Write(ctx, func(tx tenantry.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO invoices (tenant_id, id, number, customer, amount_cents, created_at) VALUES ($1, $2, $3, 'Initech', 100, '2026-12-01T00:00:00Z')`,
					tx.TenantID(), id, number)
				return err
			})
			return id, err
		}}
	for _, b := range tenantrytest.Backends(invoices.Extension()) {
		t.Run(b.Name, func(t *testing.T) { tenantrytest.CheckTable(t, b.Open(t), spec) })
	}
}
