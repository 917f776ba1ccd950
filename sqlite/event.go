package sqlite

import (
	"context"
	"fmt"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/outbox"
)

// eventColumns are the columns scanEvent reads, in order.
const eventColumns = `tenant_id, seq, id, type, actor_type, actor_id, target_type, target_id, data, at`

// insertEvent writes ev into the outbox of its tenant in tx: the tenant's
// counter row is incremented (created at 1) and ev gets the new value as
// its Seq. SQLite's single writer makes seq order the commit order. The
// tenant is noted in tx, so that the store's event hook hears of it once
// the transaction commits.
func insertEvent(ctx context.Context, tx *wtx, ev *tenantry.Event) error {
	if !outbox.Enabled {
		return nil
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO tenant_event_seqs (tenant_id, seq) VALUES (?, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET seq = seq + 1 RETURNING seq`, ev.TenantID).Scan(&ev.Seq); err != nil {
		return fmt.Errorf("next event seq: %w", err)
	}
	var data any
	if len(ev.Data) > 0 {
		data = string(ev.Data)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tenant_events (`+eventColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.TenantID, ev.Seq, ev.ID, ev.Type, string(ev.Actor.Type), ev.Actor.ID, ev.TargetType, ev.TargetID,
		data, encTime(ev.At)); err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	tx.noteEvent(ev.TenantID)
	return nil
}

// noteEvent records that tx wrote an event of tenantID.
func (tx *wtx) noteEvent(tenantID string) {
	for _, id := range tx.events {
		if id == tenantID {
			return
		}
	}
	tx.events = append(tx.events, tenantID)
}

// OnEvents sets the function called, after each commit that wrote events,
// once per tenant whose outbox grew: the server wakes its event streams
// and tells the other processes. Set it before serving; nil removes it.
func (db *DB) OnEvents(fn func(tenantID string)) { db.onEvents.Store(&fn) }

// eventsCommitted calls the OnEvents function for each tenant.
func (db *DB) eventsCommitted(tenants []string) {
	p := db.onEvents.Load()
	if p == nil || *p == nil {
		return
	}
	for _, id := range tenants {
		(*p)(id)
	}
}
