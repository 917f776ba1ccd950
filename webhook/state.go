package webhook

import (
	"context"
	"time"

	"github.com/tenantry/tenantry"
)

// disable disables the tenant's endpoint id in tx, cancels its pending
// deliveries and audits webhook.disable with data; an endpoint already
// disabled is left as it is.
func disable(ctx context.Context, tx tenantry.Tx, id, reason string, data map[string]any) error {
	now := stamp(time.Now())
	n, err := tx.Exec(ctx, `UPDATE webhooks SET disabled_at = $3, disabled_reason = $4 WHERE tenant_id = $1 AND id = $2 AND disabled_at IS NULL`,
		tx.TenantID(), id, now, reason)
	if err != nil || n == 0 {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'cancelled', error = $3, next_attempt_at = NULL, claimed_until = NULL, claimed_by = NULL
		WHERE tenant_id = $1 AND webhook_id = $2 AND status = 'pending'`, tx.TenantID(), id, msgCancelled); err != nil {
		return err
	}
	return tx.Audit(ctx, "webhook.disable", "webhook", id, data)
}

// enable enables the tenant's endpoint id in tx and audits webhook.enable:
// its failure count starts again, and events from now on are delivered
// (those of the time it was disabled are not).
func enable(ctx context.Context, tx tenantry.Tx, id string) error {
	n, err := tx.Exec(ctx, `UPDATE webhooks SET disabled_at = NULL, disabled_reason = NULL, failures = 0, since = $3 WHERE tenant_id = $1 AND id = $2 AND disabled_at IS NOT NULL`,
		tx.TenantID(), id, stamp(time.Now()))
	if err != nil || n == 0 {
		return err
	}
	return tx.Audit(ctx, "webhook.enable", "webhook", id, nil)
}
