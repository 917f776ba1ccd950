package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

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

// scanEvent scans one row of eventColumns.
func scanEvent(rows rowScanner) (*tenantry.Event, error) {
	var ev tenantry.Event
	var data sql.NullString
	if err := rows.Scan(&ev.TenantID, &ev.Seq, &ev.ID, &ev.Type, &ev.Actor.Type, &ev.Actor.ID, &ev.TargetType,
		&ev.TargetID, &data, timeScan{&ev.At}); err != nil {
		return nil, fmt.Errorf("scan event: %w", err)
	}
	if data.Valid {
		ev.Data = []byte(data.String)
	}
	return &ev, nil
}

// listEvents reads the events of tenantID after seq after, oldest first.
func listEvents(ctx context.Context, q querier, tenantID string, after int64, limit int) ([]*tenantry.Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+eventColumns+` FROM tenant_events WHERE tenant_id = ? AND seq > ?
		ORDER BY seq LIMIT ?`, tenantID, after, tenantry.EventLimit(limit))
	if err != nil {
		return nil, dbErr(fmt.Errorf("list events: %w", err))
	}
	defer rows.Close()
	out := []*tenantry.Event{}
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(fmt.Errorf("list events: %w", err))
	}
	return out, nil
}

// Events returns the tenant's events with Seq > after, oldest first, at
// most limit (tenantry.EventLimit) of them.
func (h *TenantStore) Events(ctx context.Context, after int64, limit int) ([]*tenantry.Event, error) {
	q, err := h.reader()
	if err != nil {
		return nil, err
	}
	return listEvents(ctx, q, h.id, after, limit)
}

// LatestEventSeq returns the seq of the tenant's latest event, 0 for none.
func (h *TenantStore) LatestEventSeq(ctx context.Context) (int64, error) {
	q, err := h.reader()
	if err != nil {
		return 0, err
	}
	var n int64
	err = q.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM tenant_event_seqs WHERE tenant_id = ?`, h.id).Scan(&n)
	return n, dbErr(err)
}

// Events returns the outbox of tenant f.TenantID after f.After
// (tenant_not_found).
func (p *Platform) Events(ctx context.Context, f tenantry.EventFilter) ([]*tenantry.Event, error) {
	var out []*tenantry.Event
	err := p.db.read(ctx, func(tx *rtx) error {
		t, err := tenantForUpdate(ctx, tx, f.TenantID)
		if err != nil {
			return err
		}
		out, err = listEvents(ctx, tx, t.ID, f.After, f.Limit)
		return err
	})
	return out, err
}

// PruneEvents deletes every tenant's events older than before.
func (p *Platform) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := p.db.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tenant_events WHERE at < ?`, encTime(before))
		if err != nil {
			return fmt.Errorf("prune events: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
