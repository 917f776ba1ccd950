package tenantry

import "context"

// Invalidation says that a cached fact changed. Kind is one of the Inv*
// constants; the other fields name what changed. An InvTenant with no
// TenantID means that any tenant may have changed (a registry import):
// every cached tenant, membership and API key is dropped.
type Invalidation struct {
	Kind     string `json:"kind"`
	TenantID string `json:"tenant_id,omitempty"`
	UserID   string `json:"user_id,omitempty"`
	// Key is a kind-specific key, for example an API key hash.
	Key string `json:"key,omitempty"`
}

// Invalidation kinds.
const (
	InvTenant = "tenant"  // a tenant changed, was suspended or deleted
	InvMember = "member"  // a membership changed or was removed
	InvAPIKey = "api_key" // an API key was revoked
	InvUser   = "user"    // a user's tokens were revoked
	// InvSession: a sign-in session (refresh token family, Key; its user,
	// UserID) was revoked, so its access tokens stop.
	InvSession = "session"
	// InvEvents: tenant TenantID committed new events to its outbox
	// (Key: the highest sequence number known, when known). It drops no
	// cache; it wakes the tenant's event streams in every process.
	InvEvents = "events"
	// InvPresence: who is on topic Key of tenant TenantID changed. It
	// drops no cache; it tells the streams on that topic to look again.
	InvPresence = "presence"
)

// Notifies reports whether inv is a notification for event streams
// (InvEvents, InvPresence) rather than a change of cached facts.
func (inv Invalidation) Notifies() bool { return inv.Kind == InvEvents || inv.Kind == InvPresence }

// Bus carries invalidations, and the event streams' notifications, to every server process: inmem.Bus within one
// process, redis.Bus across processes.
type Bus interface {
	// Publish sends inv to every subscriber, this process's included.
	Publish(ctx context.Context, inv Invalidation) error
	// Subscribe calls fn for every invalidation until ctx is done.
	Subscribe(ctx context.Context, fn func(Invalidation))
}
