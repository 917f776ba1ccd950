package postgres

import (
	"github.com/tenantry/tenantry"
)

// eventColumns are the columns of an outbox row, in the order of eventArgs.
const eventColumns = `tenant_id, seq, id, type, actor_type, actor_id, target_type, target_id, data, at`

// insertEventSQL writes one outbox row.
const insertEventSQL = `INSERT INTO tenant_events (` + eventColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`

// eventArgs are the values of eventColumns for ev.
func eventArgs(ev *tenantry.Event) []any {
	var data any
	if len(ev.Data) > 0 {
		data = string(ev.Data)
	}
	return []any{ev.TenantID, ev.Seq, ev.ID, ev.Type, string(ev.Actor.Type), ev.Actor.ID, ev.TargetType, ev.TargetID,
		data, ev.At}
}

// OnEvents sets the function called after each commit of a tenant's write
// transaction (and of a platform change that wrote the tenant an event)
// with the tenant's id: the server wakes its event streams and tells the
// other processes. A write that wrote no event calls it too, which costs
// a stream one read that finds nothing. Set it before serving; nil
// removes it.
func (db *DB) OnEvents(fn func(tenantID string)) { db.onEvents.Store(&fn) }

// eventsCommitted calls the OnEvents function for tenantID.
func (db *DB) eventsCommitted(tenantID string) {
	if p := db.onEvents.Load(); p != nil && *p != nil {
		(*p)(tenantID)
	}
}
