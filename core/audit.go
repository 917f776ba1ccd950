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
