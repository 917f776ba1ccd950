package tenantry

import "encoding/json"

// Invalidation says that a cached fact changed. Kind is one of the Inv*
// constants; the other fields name what changed. An InvTenant with no
// TenantID means that any tenant may have changed (a registry import):
// every cached tenant, membership and API key is dropped.
type Invalidation struct {
	Kind     string `json:"kind"`
	TenantID string `json:"tenant_id,omitempty"`
	UserID   string `json:"user_id,omitempty"`
	// Key is a kind-specific key: an API key's id, a session's refresh token family.
	Key string `json:"key,omitempty"`
}

// Invalidation kinds.
const (
	InvTenant = "tenant"  // a tenant changed, was suspended or deleted
	InvMember = "member"  // a membership changed or was removed
	InvAPIKey = "api_key" // an API key (Key: its id) was revoked
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

// Invalidations returns what the audited change ev makes wrong in the
// servers' caches: the one rule, for both stores, of which cached facts a
// change drops. A store writes them in ev's own transaction, as rows of
// its invalidations outbox that every other process polls, and tells its
// own process once the transaction commits (Store.OnInvalidation), so no
// caller announces a change by hand.
func (ev *AuditEvent) Invalidations() []Invalidation {
	switch ev.Action {
	case "tenant.create", "tenant.update", "tenant.suspend", "tenant.activate", "tenant.archive",
		"tenant.delete", "tenant.move", "tenant.isolate", "tenant.import", "settings.update":
		// A new tenant matters too: its slug and domain were cached as
		// unknown.
		return []Invalidation{{Kind: InvTenant, TenantID: ev.TenantID}}
	case "member.add", "member.update":
		return []Invalidation{{Kind: InvMember, TenantID: ev.TenantID, UserID: ev.TargetID}}
	case "member.remove":
		// The removal also clears the user's default tenant when it was
		// this one.
		return []Invalidation{{Kind: InvMember, TenantID: ev.TenantID, UserID: ev.TargetID}, UserChanged(ev.TargetID)}
	case "invitation.accept":
		var d struct {
			UserID string `json:"user_id"`
		}
		if json.Unmarshal(ev.Data, &d) != nil || d.UserID == "" {
			d.UserID = ev.Actor.ID
		}
		return []Invalidation{{Kind: InvMember, TenantID: ev.TenantID, UserID: d.UserID}}
	case "api_key.revoke":
		return []Invalidation{{Kind: InvAPIKey, TenantID: ev.TenantID, Key: ev.TargetID}}
	case AuditPasswordReset:
		return []Invalidation{UserChanged(ev.TargetID)}
	}
	return nil
}

// UserChanged is the invalidation of a change to user userID that is not
// audited in a tenant: a new default tenant, platform administration
// granted or removed. Their cached copy is dropped, and so are the cached
// principals of their access tokens.
func UserChanged(userID string) Invalidation { return Invalidation{Kind: InvUser, UserID: userID} }

// SessionRevoked is the invalidation of the revocation of rt's family (a
// sign-out, or the reuse of a rotated refresh token): the family's access
// tokens stop.
func SessionRevoked(rt *RefreshToken) Invalidation {
	return Invalidation{Kind: InvSession, UserID: rt.UserID, Key: rt.FamilyID}
}
