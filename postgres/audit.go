package postgres

import (
	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

const auditColumns = `tenant_id, id, actor_type, actor_id, action, target_type, target_id, at, request_id, data`

func scanAudit(row pgx.Row) (*tenantry.AuditEvent, error) {
	var (
		e        tenantry.AuditEvent
		tenantID *string
		actor    string
		data     []byte
	)
	if err := row.Scan(&tenantID, &e.ID, &actor, &e.Actor.ID, &e.Action, &e.TargetType, &e.TargetID, &e.At, &e.RequestID, &data); err != nil {
		return nil, err
	}
	if tenantID != nil {
		e.TenantID = *tenantID
	}
	e.Actor.Type = tenantry.ActorType(actor)
	e.At = e.At.UTC()
	if len(data) > 0 {
		e.Data = data
	}
	return &e, nil
}
