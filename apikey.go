package tenantry

import (
	"context"
	"time"
)

// APIKey is a tenant's machine credential. It belongs to exactly one tenant
// and has one role; the secret is shown once and only its hash is stored.
// CreatedBy is the member who created it: the key never acts above that
// member's current role, and stops when they leave the tenant. ExpiresAt,
// when set, is when the key stops working.
type APIKey struct {
	ID        string     `json:"id"`
	TenantID  string     `json:"tenant_id"`
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	Prefix    string     `json:"prefix"`
	Hash      string     `json:"-"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// EffectiveRole returns the role the key acts with when its creator's
// current role in the tenant is creator: the lower of the two.
func (k *APIKey) EffectiveRole(creator Role) Role {
	rank := map[Role]int{RoleOwner: 3, RoleAdmin: 2, RoleMember: 1}
	if rank[creator] < rank[k.Role] {
		return creator
	}
	return k.Role
}

// APIKeyStore manages the API keys of one tenant.
type APIKeyStore interface {
	// CreateAPIKey stores key; ID, TenantID and CreatedAt are filled in
	// when empty (validation_failed for a missing name or bad role).
	CreateAPIKey(ctx context.Context, key *APIKey) error
	// APIKeys lists the tenant's keys, revoked ones included.
	APIKeys(ctx context.Context, p Page) ([]*APIKey, string, error)
	// APIKey returns a key by id (not_found).
	APIKey(ctx context.Context, id string) (*APIKey, error)
	// APIKeyByHash returns the live key with hash (unauthenticated when
	// unknown or revoked).
	APIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// RevokeAPIKey revokes a key (not_found).
	RevokeAPIKey(ctx context.Context, id string) error
}
