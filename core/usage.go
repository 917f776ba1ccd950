package core

import (
	"context"
	"time"

	"github.com/tenantry/tenantry"
)

// usageSelect reads a tenant's row count ($1), members and today's ($2)
// requests ($3) and chat messages ($4).
const usageSelect = `SELECT (SELECT count(*) FROM tenants WHERE id = $1),
	(SELECT count(*) FROM members WHERE tenant_id = $1),
	coalesce((SELECT value FROM usage_counters WHERE tenant_id = $1 AND day = $2 AND counter = $3), 0),
	coalesce((SELECT value FROM usage_counters WHERE tenant_id = $1 AND day = $2 AND counter = $4), 0)`

// today is the current UTC day as usage counters store it.
func today() string { return tenantry.Now().Format(time.DateOnly) }

// usage counts the members and today's counters of tx's tenant, in one
// statement (tenant_not_found).
func usage(ctx context.Context, tx tenantry.Tx) (tenantry.Usage, error) {
	var u tenantry.Usage
	var tenants int
	err := tx.QueryRow(ctx, usageSelect, tx.TenantID(), today(), tenantry.CounterRequests, tenantry.CounterChatMessages).
		Scan(&tenants, &u.Members, &u.RequestsToday, &u.ChatMessagesToday)
	if err == nil && tenants == 0 {
		err = errTenantNotFound()
	}
	return u, err
}

// Usage counts members and today's counters (the extensions count the
// rest: tenantry.UsageOf).
func (s Rules) Usage(ctx context.Context) (tenantry.Usage, error) {
	var u tenantry.Usage
	err := s.ts.Read(ctx, func(tx tenantry.Tx) error {
		var err error
		u, err = usage(ctx, tx)
		return err
	})
	return u, err
}

// TenantUsage returns a tenant's usage, whatever its status
// (tenant_not_found).
func (p Platform) TenantUsage(ctx context.Context, id string) (tenantry.Usage, error) {
	var u tenantry.Usage
	id, ok := tenantry.ParseID(id)
	if !ok {
		return u, errTenantNotFound()
	}
	err := p.g.Snapshot(ctx, id, func(tx tenantry.Tx) error {
		var err error
		u, err = usage(ctx, tx)
		return err
	})
	return u, err
}

// AddUsage adds n to today's counter; it is not audited.
func (s Rules) AddUsage(ctx context.Context, counter string, n int64) error {
	if counter == "" {
		return tenantry.Invalid(map[string]string{"counter": "required"})
	}
	return s.ts.Write(ctx, func(tx tenantry.Tx) error {
		tx.Queue(ctx, `INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id, day, counter) DO UPDATE SET value = usage_counters.value + excluded.value`,
			tx.TenantID(), today(), counter, n)
		return nil
	})
}
