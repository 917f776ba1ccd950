package core

import (
	"context"
	"slices"
	"time"

	"github.com/tenantry/tenantry"
)

// PruneEvents deletes every tenant's events older than before, in one
// statement of a sweep.
func (p Platform) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := p.g.Sweep(ctx, func(tx GlobalTx) error {
		var err error
		n, err = tx.Exec(ctx, `DELETE FROM tenant_events WHERE at < $1`, before)
		return err
	})
	return n, err
}

// AddUsage adds counts to counter of today for every tenant in counts, in
// one sweep: one INSERT ... VALUES a tenant with its id bound, which Citus
// routes to the tenant's shard (an INSERT ... SELECT into a distributed
// table runs there as a COPY, which row level security refuses), in id
// order, so that concurrent flushes lock the counters in the same order;
// on PostgreSQL they travel in one round trip. An id that names no tenant
// (deleted since it was counted) fails the sweep on its foreign key: then
// the ids that name one are read, and the flush runs again with them alone
// (more round trips, on that path only).
func (p Platform) AddUsage(ctx context.Context, counter string, counts map[string]int64) error {
	if counter == "" {
		return tenantry.Invalid(map[string]string{"counter": "required"})
	}
	ids := make([]string, 0, len(counts))
	n := make(map[string]int64, len(counts))
	for raw, c := range counts {
		if id, ok := tenantry.ParseID(raw); ok {
			ids, n[id] = append(ids, id), n[id]+c
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	day := today()
	err := p.flushUsage(ctx, counter, day, ids, n)
	if c := tenantry.ErrorCode(err); c != tenantry.ETENANTNOTFOUND && c != tenantry.ENOTFOUND {
		return err
	}
	known, err := p.tenantsAmong(ctx, ids)
	if err != nil {
		return err
	}
	return p.flushUsage(ctx, counter, day, slices.DeleteFunc(ids, func(id string) bool { return !known[id] }), n)
}

// flushUsage adds n[id] to counter of day for each of ids, in one sweep.
func (p Platform) flushUsage(ctx context.Context, counter, day string, ids []string, n map[string]int64) error {
	if len(ids) == 0 {
		return nil
	}
	return p.g.Sweep(ctx, func(tx GlobalTx) error {
		for _, id := range ids {
			tx.Queue(ctx, `INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES ($1, $2, $3, $4)
				ON CONFLICT (tenant_id, day, counter) DO UPDATE SET value = usage_counters.value + excluded.value`,
				id, day, counter, n[id])
		}
		return nil
	})
}

// tenantsAmong returns which of ids name a tenant.
func (p Platform) tenantsAmong(ctx context.Context, ids []string) (map[string]bool, error) {
	known := map[string]bool{}
	if len(ids) == 0 {
		return known, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	err := p.g.Read(ctx, func(tx GlobalTx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM tenants WHERE id IN (`+marks(1, len(ids))+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			known[id] = true
		}
		return rows.Err()
	})
	return known, err
}
