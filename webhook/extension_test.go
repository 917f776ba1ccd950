package webhook_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/tenantrytest"
	"github.com/tenantry/tenantry/webhook"
)

// insertWebhook adds an endpoint row in tx and returns its id.
func insertWebhook(ctx context.Context, tx tenantry.Tx, url string) (string, error) {
	id := tenantry.NewID()
	_, err := tx.Exec(ctx, `INSERT INTO webhooks (tenant_id, id, url, events, secret, created_at, since) VALUES ($1, $2, $3, '["*"]', 'sealed', '2026-12-01T00:00:00.000000Z', '2026-12-01T00:00:00.000000Z')`,
		tx.TenantID(), id, "https://hooks.example.com/"+url)
	return id, err
}

// TestTables runs Tenantry's isolation suite for builders on the webhooks
// and webhook_deliveries tables, on both backends: the extension's tables
// are checked and secured like any builder's.
func TestTables(t *testing.T) {
	specs := []tenantrytest.TableSpec{
		{Table: "webhooks", Insert: func(ctx context.Context, ts tenantry.TenantStore, url string) (id string, err error) {
			err = ts.Write(ctx, func(tx tenantry.Tx) error {
				id, err = insertWebhook(ctx, tx, url)
				return err
			})
			return id, err
		}},
		{Table: "webhook_deliveries", Insert: func(ctx context.Context, ts tenantry.TenantStore, url string) (string, error) {
			id := tenantry.NewID()
			err := ts.Write(ctx, func(tx tenantry.Tx) error {
				hook, err := insertWebhook(ctx, tx, url)
				if err != nil {
					return err
				}
				_, err = tx.Exec(ctx, `INSERT INTO webhook_deliveries (tenant_id, id, webhook_id, message_id, event_seq, event_id, event_type, payload, attempt, status, created_at, next_attempt_at)
					VALUES ($1, $2, $3, $4, 1, $5, 'project.created', '{}', 1, 'pending', '2026-12-01T00:00:00.000000Z', '2026-12-01T00:00:00.000000Z')`,
					tx.TenantID(), id, hook, tenantry.NewID(), tenantry.NewID())
				return err
			})
			return id, err
		}},
	}
	for _, b := range tenantrytest.Backends(webhook.Extension()) {
		t.Run(b.Name, func(t *testing.T) {
			for _, spec := range specs {
				t.Run(spec.Table, func(t *testing.T) { tenantrytest.CheckTable(t, b.Open(t), spec) })
			}
		})
	}
}
