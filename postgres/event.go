package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/outbox"
)

// eventColumns are the columns scanEvent reads, in order.
const eventColumns = `tenant_id, seq, id, type, actor_type, actor_id, target_type, target_id, data, at`

// nextSeqSQL increments the tenant's event counter (creating it at 1) and
// returns the new value: an INSERT ... VALUES with the tenant bound, which
// Citus routes to the tenant's shard. The row's lock, held until commit,
// orders the tenant's writers, so seq order is commit order.
const nextSeqSQL = `INSERT INTO tenant_event_seqs (tenant_id, seq) VALUES ($1, 1)
	ON CONFLICT (tenant_id) DO UPDATE SET seq = tenant_event_seqs.seq + 1 RETURNING seq`

// insertEventSQL writes one outbox row.
const insertEventSQL = `INSERT INTO tenant_events (` + eventColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`

// insertEvent writes ev into its tenant's outbox in tx (whose app.tenant_id
// is ev.TenantID): the counter first, then the row with the new Seq.
func insertEvent(ctx context.Context, tx pgx.Tx, ev *tenantry.Event) error {
	if !outbox.Enabled {
		return nil
	}
	if err := tx.QueryRow(ctx, nextSeqSQL, ev.TenantID).Scan(&ev.Seq); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, insertEventSQL, eventArgs(ev)...)
	return err
}

// eventArgs are the values of eventColumns for ev.
func eventArgs(ev *tenantry.Event) []any {
	var data any
	if len(ev.Data) > 0 {
		data = string(ev.Data)
	}
	return []any{ev.TenantID, ev.Seq, ev.ID, ev.Type, string(ev.Actor.Type), ev.Actor.ID, ev.TargetType, ev.TargetID,
		data, ev.At}
}

// scanEvents appends the rows of eventColumns to out.
func scanEvents(rows pgx.Rows, out *[]*tenantry.Event) error {
	for rows.Next() {
		var ev tenantry.Event
		var data []byte
		if err := rows.Scan(&ev.TenantID, &ev.Seq, &ev.ID, &ev.Type, &ev.Actor.Type, &ev.Actor.ID, &ev.TargetType,
			&ev.TargetID, &data, &ev.At); err != nil {
			return err
		}
		ev.At = ev.At.UTC()
		if len(data) > 0 {
			ev.Data = data
		}
		*out = append(*out, &ev)
	}
	return rows.Err()
}

// queueEvents queues the read of tenantID's events after seq after.
func queueEvents(b *pgx.Batch, tenantID string, after int64, limit int, out *[]*tenantry.Event) {
	b.Queue(`SELECT `+eventColumns+` FROM tenant_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		tenantID, after, tenantry.EventLimit(limit)).Query(func(rows pgx.Rows) error {
		return scanEvents(rows, out)
	})
}

// Events returns the tenant's events with Seq > after, oldest first, at
// most limit (tenantry.EventLimit) of them.
func (s *TenantStore) Events(ctx context.Context, after int64, limit int) ([]*tenantry.Event, error) {
	out := []*tenantry.Event{}
	b := &pgx.Batch{}
	queueEvents(b, s.id, after, limit, &out)
	if err := s.read(ctx, b); err != nil {
		return nil, err
	}
	return out, nil
}

// LatestEventSeq returns the seq of the tenant's latest event, 0 for none.
func (s *TenantStore) LatestEventSeq(ctx context.Context) (int64, error) {
	var n int64
	b := &pgx.Batch{}
	b.Queue(`SELECT coalesce(max(seq), 0) FROM tenant_event_seqs WHERE tenant_id = $1`, s.id).QueryRow(func(row pgx.Row) error {
		return row.Scan(&n)
	})
	if err := s.read(ctx, b); err != nil {
		return 0, err
	}
	return n, nil
}

// Events returns the outbox of tenant f.TenantID after f.After
// (tenant_not_found), with that tenant set in the transaction.
func (p *Platform) Events(ctx context.Context, f tenantry.EventFilter) ([]*tenantry.Event, error) {
	id, ok := tenantry.ParseID(f.TenantID)
	if !ok {
		return nil, notFoundTenant()
	}
	var (
		exists bool
		out    = []*tenantry.Event{}
	)
	b := &pgx.Batch{}
	b.Queue(`SELECT EXISTS (SELECT FROM tenants WHERE id = $1)`, id).QueryRow(func(row pgx.Row) error {
		return row.Scan(&exists)
	})
	queueEvents(b, id, f.After, f.Limit, &out)
	if err := p.db.tenantRead(ctx, id, b); err != nil {
		return nil, err
	}
	if !exists {
		return nil, notFoundTenant()
	}
	return out, nil
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
