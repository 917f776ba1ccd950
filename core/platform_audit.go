package core

import (
	"context"

	"github.com/tenantry/tenantry"
)

// platformAuditQuery lists the platform's trail and the tenants' trails
// together, newest first: each side is cut to the page on its own first,
// so the merge reads at most twice the page. $1 is the id the page starts
// before, $2 an action or "", $3 the rows to read and, with one, $4 the
// tenant: a condition on the tenant column itself, which its index (and
// Citus's routing) can use.
func platformAuditQuery(oneTenant bool) string {
	tenant, subject := "", ""
	if oneTenant {
		tenant, subject = " AND tenant_id = $4", " AND subject_tenant_id = $4"
	}
	return `SELECT * FROM (
	SELECT * FROM (SELECT CAST(tenant_id AS text) AS tenant, ` + auditColumns + ` FROM audit_events
		WHERE id < $1 AND ($2 = '' OR action = $2)` + tenant + ` ORDER BY id DESC LIMIT $3) AS a
	UNION ALL
	SELECT * FROM (SELECT coalesce(CAST(subject_tenant_id AS text), '') AS tenant, ` + auditColumns + ` FROM platform_audit
		WHERE id < $1 AND ($2 = '' OR action = $2)` + subject + ` ORDER BY id DESC LIMIT $3) AS p
	) AS e ORDER BY id DESC LIMIT $3`
}

// AuditEvents lists platform and tenant events across tenants, newest
// first, in a read of the platform (on PostgreSQL, every tenant's trail
// through the audit_events_platform_read policy, or the one tenant's);
// f.TenantID narrows to one tenant: its own events and the platform's
// about it (an id that is no UUID names none).
func (p Platform) AuditEvents(ctx context.Context, f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error) {
	limit, before, err := f.Page.Normalize()
	if err != nil {
		return nil, "", err
	}
	if before == "" {
		before = maxID
	}
	tenantID := ""
	if f.TenantID != "" {
		var ok bool
		if tenantID, ok = tenantry.ParseID(f.TenantID); !ok {
			return []*tenantry.AuditEvent{}, "", nil
		}
	}
	out := []*tenantry.AuditEvent{}
	err = p.g.Trails(ctx, tenantID, func(tx GlobalTx) error {
		args := []any{before, f.Action, limit + 1}
		if tenantID != "" {
			args = append(args, tenantID)
		}
		rows, err := tx.Query(ctx, platformAuditQuery(tenantID != ""), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tenant string
			ev, _, err := scanAuditEvent(scanFunc(func(dest ...any) error { return rows.Scan(append([]any{&tenant}, dest...)...) }), "")
			if err != nil {
				return err
			}
			ev.TenantID = tenant
			out = append(out, ev)
		}
		return rows.Err()
	})
	switch {
	case err != nil:
		return nil, "", err
	case len(out) > limit:
		return out[:limit], tenantry.Cursor(out[limit-1].ID), nil
	}
	return out, "", nil
}

// scanFunc adapts a function to a row's Scan.
type scanFunc func(dest ...any) error

// Scan calls f.
func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
