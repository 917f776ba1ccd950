package tenantry

import (
	"context"
	"io"
	"time"
)

// Store is a storage backend. One exported method is one transaction.
type Store interface {
	UserStore
	PasswordResetStore

	// Tenant returns the handle bound to tenantID. Every method of the
	// handle reads and writes that tenant's rows only; a handle made with
	// an id that is empty or not a UUID fails every call with
	// tenant_required.
	Tenant(tenantID string) TenantStore

	// TenantByID, TenantBySlug and TenantByDomain find a tenant
	// (tenant_not_found). They read the global tenant directory only.
	TenantByID(ctx context.Context, id string) (*Tenant, error)
	TenantBySlug(ctx context.Context, slug string) (*Tenant, error)
	TenantByDomain(ctx context.Context, domain string) (*Tenant, error)

	// Platform returns the cross-tenant operations.
	Platform() Platform

	// OnInvalidation adds fn to what is told, in the committing goroutine
	// right after each commit through this handle, every invalidation the
	// commit wrote to the database's invalidations outbox (the
	// AuditEvent.Invalidations of its audit events, UserChanged and
	// SessionRevoked of the user changes), until stop is called. Other
	// processes read those rows through the database's Bus. fn must be
	// quick and must not block.
	OnInvalidation(fn func(Invalidation)) (stop func())

	// Ping checks that the database answers (unavailable).
	Ping(ctx context.Context) error
	// Close releases the backend.
	Close() error
}

// TenantStore is a handle bound to one tenant. It is the only way to reach
// tenant-scoped rows.
type TenantStore interface {
	// ID returns the tenant id the handle is bound to.
	ID() string
	// Tenant returns the tenant itself (tenant_not_found).
	Tenant(ctx context.Context) (*Tenant, error)
	// UpdateSettings merges patch into the settings (RFC 7386) and returns
	// the tenant (validation_failed).
	UpdateSettings(ctx context.Context, patch Settings) (*Tenant, error)
	// Usage counts members and today's counters; UsageOf adds the
	// extensions' counters (projects and tasks among them).
	Usage(ctx context.Context) (Usage, error)
	// AddUsage adds n to today's counter (CounterRequests, ...); it is not
	// audited.
	AddUsage(ctx context.Context, counter string, n int64) error

	// Write runs fn in one write transaction of the tenant, with the
	// tenant's row locked (tenant_not_found); fn's error rolls it back.
	// See Tx.
	Write(ctx context.Context, fn func(Tx) error) error
	// Read runs fn with read-only access to the tenant's rows: each
	// statement sees the rows committed when it starts (see Tx).
	Read(ctx context.Context, fn func(Tx) error) error

	MemberStore
	InvitationStore
	APIKeyStore
	AuditStore
	ChatStore
	EventStore
}

// Platform holds every operation that crosses tenants. Each change is
// audited in the platform trail.
type Platform interface {
	// CreateTenant creates a tenant, with tc.OwnerID as owner when set
	// (validation_failed, conflict on slug or domain, not_found owner).
	CreateTenant(ctx context.Context, tc TenantCreate) (*Tenant, error)
	// Tenants lists tenants in creation order.
	Tenants(ctx context.Context, f TenantFilter) ([]*Tenant, string, error)
	// UpdateTenant changes a tenant (tenant_not_found, validation_failed,
	// conflict on domain).
	UpdateTenant(ctx context.Context, id string, tu TenantUpdate) (*Tenant, error)
	// SetTenantStatus suspends, activates or archives (tenant_not_found).
	SetTenantStatus(ctx context.Context, id string, s TenantStatus) (*Tenant, error)
	// DeleteTenant deletes the tenant and every row of it (tenant_not_found).
	DeleteTenant(ctx context.Context, id string) error
	// TenantUsage returns a tenant's usage (tenant_not_found).
	TenantUsage(ctx context.Context, id string) (Usage, error)
	// AddUsage adds counts[tenantID] to counter of today for every tenant
	// in counts, in one transaction: the server writes the request counts
	// of all tenants at once. Ids that name no tenant (deleted since they
	// were counted) are skipped.
	AddUsage(ctx context.Context, counter string, counts map[string]int64) error
	// ExportTenant writes the tenant and all its rows to w as NDJSON, one
	// ExportRecord a line (tenant_not_found).
	ExportTenant(ctx context.Context, id string, w io.Writer) error
	// ImportTenant reads what ExportTenant wrote and recreates the tenant
	// with the same ids, all or nothing (bad_request for a malformed
	// stream, conflict when the tenant id, slug or domain exists).
	ImportTenant(ctx context.Context, r io.Reader) (*Tenant, error)
	// AuditEvents lists platform and tenant events across tenants, newest
	// first; f.TenantID narrows to one tenant.
	AuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, string, error)
	// Events returns the outbox of tenant f.TenantID after f.After, oldest
	// first (tenant_not_found).
	Events(ctx context.Context, f EventFilter) ([]*Event, error)
	// PruneEvents deletes every tenant's events older than before and
	// returns how many it deleted; the server calls it periodically
	// (--event-retention). It is not audited: it removes delivery state,
	// not data.
	PruneEvents(ctx context.Context, before time.Time) (int64, error)
}

// Now returns the current time in UTC truncated to microseconds, the
// precision both backends store.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// PoolStats are a storage backend's connection pool figures, for metrics.
type PoolStats struct {
	// Max is the most connections the pool opens; Open are open now, of
	// which InUse are serving a transaction.
	Max, Open, InUse int
	// WaitCount and WaitDuration count the waits for a free connection.
	WaitCount    int64
	WaitDuration time.Duration
}
