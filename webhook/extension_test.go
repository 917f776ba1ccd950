package webhook_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/tenantrytest"
	"github.com/tenantry/tenantry/webhook"
)

// TestWebhooksTable runs Tenantry's isolation suite for builders on the
// webhooks table, on both backends: the extension's tables are checked and
// secured like any builder's.
func TestWebhooksTable(t *testing.T) {
	spec := tenantrytest.TableSpec{Table: "webhooks",
		Insert: func(ctx context.Context, ts tenantry.TenantStore, url string) (string, error) {
			id := tenantry.NewID()
			err := ts.Write(ctx, func(tx tenantry.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO webhooks (tenant_id, id, url, events, secret, created_at, since) VALUES ($1, $2, $3, '["*"]', 'sealed', '2026-12-01T00:00:00.000000Z', '2026-12-01T00:00:00.000000Z')`,
					tx.TenantID(), id, "https://hooks.example.com/"+url)
				return err
			})
			return id, err
		}}
	for _, b := range tenantrytest.Backends(webhook.Extension()) {
		t.Run(b.Name, func(t *testing.T) { tenantrytest.CheckTable(t, b.Open(t), spec) })
	}
}
