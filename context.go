package tenantry

import "context"

// ActorType says who performed a request.
type ActorType string

// Actor types.
const (
	ActorUser   ActorType = "user"
	ActorAPIKey ActorType = "api_key"
	ActorSystem ActorType = "system"
	// ActorVisitor is an anonymous visitor of a tenant's public assistant.
	ActorVisitor ActorType = "visitor"
)

// Identity is who is making a request and on which tenant. It travels in the
// request context; storage reads it to write audit events.
type Identity struct {
	// UserID is the signed-in user, empty for API keys and the system.
	UserID string
	// APIKeyID is set when the request authenticated with an API key.
	APIKeyID string
	// PlatformAdmin is true for platform administrators.
	PlatformAdmin bool
	// TenantID is the resolved tenant, if any.
	TenantID string
	// Role is the caller's role in TenantID.
	Role Role
	// Visitor is true for an anonymous visitor of TenantID's public
	// assistant: no user, no role, only the visitor's own chat sessions.
	Visitor bool
}

// Actor returns the audit actor of the identity.
func (id Identity) Actor() (ActorType, string) {
	switch {
	case id.APIKeyID != "":
		return ActorAPIKey, id.APIKeyID
	case id.UserID != "":
		return ActorUser, id.UserID
	case id.Visitor:
		return ActorVisitor, ""
	}
	return ActorSystem, ""
}

type identityKey struct{}
type requestIDKey struct{}

// NewContextWithIdentity returns a copy of ctx carrying id.
func NewContextWithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFromContext returns the identity in ctx, or the zero Identity
// (the system actor) when there is none.
func IdentityFromContext(ctx context.Context) Identity {
	id, _ := ctx.Value(identityKey{}).(Identity)
	return id
}

// NewContextWithRequestID returns a copy of ctx carrying the request id.
func NewContextWithRequestID(ctx context.Context, requestID string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, requestID)
}

// RequestIDFromContext returns the request id in ctx, or "".
func RequestIDFromContext(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}
