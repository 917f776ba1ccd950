package core

import (
	"context"

	"github.com/tenantry/tenantry"
)

// eventColumns are the columns scanEvents reads, in order.
const eventColumns = `seq, id, type, actor_type, actor_id, target_type, target_id, data, at`

// InsertEventSQL writes one row of a tenant's outbox, the same text on
// both backends, with the values EventArgs gives.
const InsertEventSQL = `INSERT INTO tenant_events (tenant_id, ` + eventColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

// EventArgs are the values of ev's outbox row: its tenant, then
// eventColumns.
func EventArgs(ev *tenantry.Event) []any {
	var data any
	if len(ev.Data) > 0 {
		data = string(ev.Data)
	}
	return []any{ev.TenantID, ev.Seq, ev.ID, ev.Type, string(ev.Actor.Type), ev.Actor.ID, ev.TargetType, ev.TargetID,
		data, ev.At}
}

// eventsAfter reads the events of tx's tenant after seq after, oldest
// first, at most limit (tenantry.EventLimit) of them.
func eventsAfter(ctx context.Context, tx tenantry.Tx, after int64, limit int) ([]*tenantry.Event, error) {
	rows, err := tx.Query(ctx, `SELECT `+eventColumns+` FROM tenant_events WHERE tenant_id = $1 AND seq > $2
		ORDER BY seq LIMIT $3`, tx.TenantID(), after, tenantry.EventLimit(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*tenantry.Event{}
	for rows.Next() {
		ev := &tenantry.Event{TenantID: tx.TenantID()}
		var actor string
		var data []byte
		if err := rows.Scan(&ev.Seq, &ev.ID, &ev.Type, &actor, &ev.Actor.ID, &ev.TargetType, &ev.TargetID,
			&data, &ev.At); err != nil {
			return nil, err
		}
		ev.Actor.Type = tenantry.ActorType(actor)
		if len(data) > 0 {
			ev.Data = data
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Events returns the tenant's events with Seq > after, oldest first, at
// most limit (tenantry.EventLimit) of them.
func (s Rules) Events(ctx context.Context, after int64, limit int) ([]*tenantry.Event, error) {
	var out []*tenantry.Event
	err := s.ts.Read(ctx, func(tx tenantry.Tx) error {
		var err error
		out, err = eventsAfter(ctx, tx, after, limit)
		return err
	})
	return out, err
}

// LatestEventSeq returns the seq of the tenant's latest event, 0 for none.
func (s Rules) LatestEventSeq(ctx context.Context) (int64, error) {
	var n int64
	err := s.ts.Read(ctx, func(tx tenantry.Tx) error {
		return tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM tenant_event_seqs WHERE tenant_id = $1`,
			tx.TenantID()).Scan(&n)
	})
	return n, err
}

// Events returns the outbox of tenant f.TenantID after f.After, whatever
// the tenant's status (tenant_not_found). The tenant is looked up only when
// no event comes back.
func (p Platform) Events(ctx context.Context, f tenantry.EventFilter) ([]*tenantry.Event, error) {
	id, ok := tenantry.ParseID(f.TenantID)
	if !ok {
		return nil, errTenantNotFound()
	}
	var out []*tenantry.Event
	err := p.g.Snapshot(ctx, id, func(tx tenantry.Tx) error {
		var err error
		if out, err = eventsAfter(ctx, tx, f.After, f.Limit); err != nil || len(out) > 0 {
			return err
		}
		return tenantExists(ctx, tx)
	})
	return out, err
}

// tenantExists returns tenant_not_found when tx's tenant has no row.
func tenantExists(ctx context.Context, tx tenantry.Tx) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM tenants WHERE id = $1`, tx.TenantID()).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errTenantNotFound()
	}
	return nil
}
