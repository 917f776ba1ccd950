package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
)

// eventColumns are the columns scanEvent reads, in order.
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

// PruneEvents deletes every tenant's events older than before, in one
// statement under the tenant_events_platform_prune policy (app.platform
// 'on' in this transaction only).
func (p *Platform) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue("SET LOCAL app.platform = 'on'")
	b.Queue(`DELETE FROM tenant_events WHERE at < $1`, before).Exec(func(ct pgconnTag) error {
		n = ct.RowsAffected()
		return nil
	})
	b.Queue("COMMIT")
	if err := p.db.rawBatch(ctx, b); err != nil {
		return 0, err
	}
	return n, nil
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
