package postgres

import (
	"context"

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

// AuditEvents lists the tenant's events, newest first.
func (s *TenantStore) AuditEvents(ctx context.Context, f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error) {
	if err := s.check(); err != nil {
		return nil, "", err
	}
	limit, before, err := f.Page.Normalize()
	if err != nil {
		return nil, "", err
	}
	var out []*tenantry.AuditEvent
	b := &pgx.Batch{}
	b.Queue(`SELECT `+auditColumns+` FROM audit_events WHERE tenant_id = $1
		AND ($2::uuid IS NULL OR id < $2::uuid) AND ($3 = '' OR action = $3)
		ORDER BY id DESC LIMIT $4`, s.id, nullID(before), f.Action, limit+1).Query(func(rows pgx.Rows) error {
		return scanAudits(rows, &out)
	})
	if err := s.read(ctx, b); err != nil {
		return nil, "", err
	}
	return page(out, limit, func(e *tenantry.AuditEvent) string { return e.ID })
}

func scanAudits(rows pgx.Rows, out *[]*tenantry.AuditEvent) error {
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		*out = append(*out, e)
	}
	return rows.Err()
}
