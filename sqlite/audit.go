package sqlite

import (
	"context"
	"fmt"

	"github.com/tenantry/tenantry"
)

// auditColumns are the columns of an audit row after its tenant
// (tenant_id or subject_tenant_id).
const auditColumns = `id, actor_type, actor_id, action, target_type, target_id, at, request_id, data`

// insertAudit writes a tenant's audit event into audit_events and its
// tenant event into the outbox (insertEvent), in tx: the one place every
// audited change of a tenant passes, Tenantry's own and an extension's
// (Tx.Audit), so each one reaches the tenant's event streams.
func insertAudit(ctx context.Context, tx *wtx, ev *tenantry.AuditEvent) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_events (tenant_id, `+auditColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, auditArgs(ev.TenantID, ev)...); err != nil {
		return fmt.Errorf("insert audit event: %w", err)
	}
	tx.invalidate(ev.Invalidations()...)
	return insertEvent(ctx, tx, tenantry.NewEvent(ev))
}

// insertPlatformAudit writes a platform event into platform_audit; its
// TenantID is the subject tenant, if any.
func insertPlatformAudit(ctx context.Context, tx *wtx, ev *tenantry.AuditEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO platform_audit (subject_tenant_id, `+auditColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, auditArgs(nullString(ev.TenantID), ev)...)
	if err != nil {
		return fmt.Errorf("insert platform audit event: %w", err)
	}
	tx.invalidate(ev.Invalidations()...)
	return nil
}

// auditArgs are the values of an audit row: tenant, then auditColumns.
func auditArgs(tenant any, ev *tenantry.AuditEvent) []any {
	var data any
	if len(ev.Data) > 0 {
		data = string(ev.Data)
	}
	return []any{tenant, ev.ID, string(ev.Actor.Type), ev.Actor.ID, ev.Action, ev.TargetType, ev.TargetID,
		encTime(ev.At), ev.RequestID, data}
}
