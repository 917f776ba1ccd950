package core

import (
	"context"
	"strconv"

	"github.com/tenantry/tenantry"
)

// maxID is the greatest UUID, after every id on both backends: a trail
// read newest first starts before it.
const maxID = "ffffffff-ffff-ffff-ffff-ffffffffffff"

// auditColumns are the columns scanAuditEvent reads, in order.
const auditColumns = `id, actor_type, actor_id, action, target_type, target_id, at, request_id, data`

// InsertAuditSQL writes one row of a tenant's trail and
// InsertPlatformAuditSQL one of the platform's, the same text on both
// backends, with the values AuditArgs gives.
const (
	InsertAuditSQL = `INSERT INTO audit_events (tenant_id, ` + auditColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	InsertPlatformAuditSQL = `INSERT INTO platform_audit (subject_tenant_id, ` + auditColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
)

// AuditArgs are the values of ev's row: its tenant (in the platform's
// trail the subject tenant, NULL for none), then auditColumns.
func AuditArgs(ev *tenantry.AuditEvent) []any {
	var tenant, data any
	if ev.TenantID != "" {
		tenant = ev.TenantID
	}
	if len(ev.Data) > 0 {
		data = string(ev.Data)
	}
	return []any{tenant, ev.ID, string(ev.Actor.Type), ev.Actor.ID, ev.Action, ev.TargetType, ev.TargetID,
		ev.At, ev.RequestID, data}
}

// scanAuditEvent scans one row of auditColumns.
func scanAuditEvent(row scanner, tenantID string) (*tenantry.AuditEvent, string, error) {
	e := &tenantry.AuditEvent{TenantID: tenantID}
	var actor string
	var data []byte
	if err := row.Scan(&e.ID, &actor, &e.Actor.ID, &e.Action, &e.TargetType, &e.TargetID, &e.At, &e.RequestID, &data); err != nil {
		return nil, "", err
	}
	e.Actor.Type = tenantry.ActorType(actor)
	if len(data) > 0 {
		e.Data = data
	}
	return e, e.ID, nil
}

// AuditEvents lists the tenant's events, newest first; f.Action narrows
// to one action and f.TenantID is ignored.
func (s Rules) AuditEvents(ctx context.Context, f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error) {
	limit, before, err := f.Page.Normalize()
	if err != nil {
		return nil, "", err
	}
	if before == "" {
		before = maxID
	}
	query := `SELECT ` + auditColumns + ` FROM audit_events WHERE tenant_id = $1 AND id < $2`
	args := []any{s.ts.ID(), before}
	if f.Action != "" {
		query += ` AND action = $3`
		args = append(args, f.Action)
	}
	args = append(args, limit+1)
	return list(ctx, s.ts, limit, query+` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(args)), args, scanAuditEvent)
}
