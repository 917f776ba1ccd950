package postgres

import (
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// Platform holds the operations that cross tenants. It implements
// tenantry.Platform; every change is audited in platform_audit.
type Platform struct {
	// Platform are the rules of a tenant's life (package core): its
	// creation, changes, status and deletion.
	core.Platform
	db *DB
}

var _ tenantry.Platform = (*Platform)(nil)

// Platform returns the cross-tenant operations.
func (db *DB) Platform() tenantry.Platform { return db.platform }

func notFoundTenant() error { return tenantry.Errorf(tenantry.ETENANTNOTFOUND, "Tenant not found.") }

// AddUsage adds counts to counter of today for every tenant in counts,
// in one round trip: one INSERT ... VALUES a tenant with its id bound,
// which Citus routes to the tenant's shard (an INSERT ... SELECT into a
// distributed table runs there as a COPY, which row level security
// refuses), in id order, so that concurrent flushes lock the counters in
// the same order. It is the one writer of the usage_counters_flush_*
// policies (migration 00003): app.usage_flush is set to 'on' in this
// transaction only, so that its upserts may write the counters of many
// tenants. An id that names no tenant (deleted since it was counted)
// fails the transaction on its foreign key: then the ids that name one
// are read, and the flush runs again with them alone (more round trips,
// on that path only).
func (p *Platform) AddUsage(ctx context.Context, counter string, counts map[string]int64) error {
	if counter == "" {
		return tenantry.Invalid(map[string]string{"counter": "required"})
	}
	add := make([]usageCount, 0, len(counts))
	for raw, n := range counts {
		if id, ok := tenantry.ParseID(raw); ok {
			add = append(add, usageCount{id: id, n: n})
		}
	}
	slices.SortFunc(add, func(a, b usageCount) int { return strings.Compare(a.id, b.id) })
	day := today()
	err := p.addUsage(ctx, counter, day, add)
	if !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
		return err
	}
	ids := make([]string, len(add))
	for i, c := range add {
		ids[i] = c.id
	}
	rows, err := p.db.pool.Query(ctx, `SELECT id::text FROM tenants WHERE id = ANY($1::uuid[])`, cached, ids)
	if err != nil {
		return mapErr(err)
	}
	known, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return mapErr(err)
	}
	exists := make(map[string]bool, len(known))
	for _, id := range known {
		exists[id] = true
	}
	add = slices.DeleteFunc(add, func(c usageCount) bool { return !exists[c.id] })
	return p.addUsage(ctx, counter, day, add)
}

// usageCount is one tenant's count of an AddUsage.
type usageCount struct {
	id string
	n  int64
}

// addUsage writes counts of day in one transaction and one round trip.
func (p *Platform) addUsage(ctx context.Context, counter, day string, counts []usageCount) error {
	if len(counts) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue("SET LOCAL app.usage_flush = 'on'")
	for _, c := range counts {
		b.Queue(`INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id, day, counter) DO UPDATE SET value = usage_counters.value + EXCLUDED.value`,
			c.id, day, counter, c.n)
	}
	b.Queue("COMMIT")
	return p.db.rawBatch(ctx, b)
}
