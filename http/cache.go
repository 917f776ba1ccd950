package http

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// maxCacheEntries bounds each cache; a full cache is emptied of expired
// entries, and cleared when that is not enough.
const maxCacheEntries = 100_000

// ttlCache is a map whose entries expire after ttl. It is safe for
// concurrent use.
type ttlCache[V any] struct {
	mu  sync.RWMutex
	ttl time.Duration
	m   map[string]ttlEntry[V]
	now func() time.Time
}

type ttlEntry[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[V any](ttl time.Duration, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, m: map[string]ttlEntry[V]{}, now: now}
}

// get returns the live value of key.
func (c *ttlCache[V]) get(key string) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || !c.now().Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put stores v under key for the cache's TTL.
func (c *ttlCache[V]) put(key string, v V) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCacheEntries {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxCacheEntries {
			clear(c.m)
		}
	}
	c.m[key] = ttlEntry[V]{v: v, expires: now.Add(c.ttl)}
}

// del removes key.
func (c *ttlCache[V]) del(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// dropIf removes every entry for which drop returns true.
func (c *ttlCache[V]) dropIf(drop func(key string, v V) bool) {
	c.mu.Lock()
	for k, e := range c.m {
		if drop(k, e.v) {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}

// purge removes every entry.
func (c *ttlCache[V]) purge() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// lookup is a cached answer: a value or a client error (a negative
// answer such as tenant_not_found).
type lookup[V any] struct {
	v   V
	err error
}

// caches are the per-process caches of the server: tenants by id, slug and
// domain (with negative answers), memberships, API key principals and
// users. They are invalidated through apply.
type caches struct {
	tenants *ttlCache[lookup[*tenantry.Tenant]]
	members *ttlCache[lookup[tenantry.Role]]
	// apiKeys holds principals by API key hash and by "jwt:"+access token.
	apiKeys *ttlCache[*auth.Principal]
	users   *ttlCache[*tenantry.User]
}

func newCaches(ttl time.Duration) *caches {
	return &caches{
		tenants: newTTLCache[lookup[*tenantry.Tenant]](ttl, time.Now),
		members: newTTLCache[lookup[tenantry.Role]](ttl, time.Now),
		apiKeys: newTTLCache[*auth.Principal](ttl, time.Now),
		users:   newTTLCache[*tenantry.User](ttl, time.Now),
	}
}

// apply drops what inv says changed.
func (c *caches) apply(inv tenantry.Invalidation) {
	switch inv.Kind {
	case tenantry.InvTenant:
		if inv.TenantID == "" {
			c.purgeAll()
			return
		}
		c.dropTenant(inv.TenantID)
	case tenantry.InvMember:
		c.members.del(memberKey(inv.TenantID, inv.UserID))
		// The member's API keys act with at most the member's role.
		c.apiKeys.dropIf(func(_ string, p *auth.Principal) bool {
			return p.APIKeyID != "" && p.TenantID == inv.TenantID && p.CreatorID == inv.UserID
		})
	case tenantry.InvAPIKey:
		if inv.Key != "" {
			c.apiKeys.del(inv.Key)
		} else {
			c.apiKeys.purge()
		}
	case tenantry.InvSession:
		c.apiKeys.dropIf(func(_ string, p *auth.Principal) bool { return p.SessionID == inv.Key })
	case tenantry.InvUser:
		c.users.del(inv.UserID)
		c.apiKeys.purge() // cached access-token principals of the user
	default:
		c.purgeAll()
	}
}

// dropTenant drops what a change to tenant id can make wrong: the tenant's
// entries under its id, slug and domain (the old ones too, found by value),
// every negative answer (a slug or domain may now be taken), its
// memberships and its API keys. Other tenants' entries stay, so a change to
// one tenant costs the others nothing.
func (c *caches) dropTenant(id string) {
	c.tenants.dropIf(func(_ string, l lookup[*tenantry.Tenant]) bool {
		return l.err != nil || l.v == nil || l.v.ID == id
	})
	prefix := id + "/"
	c.members.dropIf(func(key string, _ lookup[tenantry.Role]) bool {
		return strings.HasPrefix(key, prefix)
	})
	c.apiKeys.dropIf(func(_ string, p *auth.Principal) bool { return p.TenantID == id })
}

// purgeAll empties every cache.
func (c *caches) purgeAll() {
	c.tenants.purge()
	c.members.purge()
	c.apiKeys.purge()
	c.users.purge()
}

func memberKey(tenantID, userID string) string { return tenantID + "/" + userID }

func (c *caches) apiKey(hash string) (*auth.Principal, bool) { return c.apiKeys.get(hash) }

func (c *caches) putAPIKey(hash string, p *auth.Principal) { c.apiKeys.put(hash, p) }

// cacheable reports whether err is a definite answer worth caching (a
// client error) rather than a failure.
func cacheable(err error) bool {
	switch tenantry.ErrorCode(err) {
	case "", tenantry.EINTERNAL, tenantry.EUNAVAILABLE:
		return err == nil
	}
	return true
}

// tenantLookup returns the cached answer of key, calling fetch on a miss.
func (s *Server) tenantLookup(key string, fetch func() (*tenantry.Tenant, error)) (*tenantry.Tenant, error) {
	if l, ok := s.cache.tenants.get(key); ok {
		return l.v, l.err
	}
	t, err := fetch()
	if err == nil || cacheable(err) {
		s.cache.tenants.put(key, lookup[*tenantry.Tenant]{v: t, err: err})
	}
	return t, err
}

// tenantByID returns a tenant by id (tenant_not_found), cached.
func (s *Server) tenantByID(ctx context.Context, id string) (*tenantry.Tenant, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, errTenantNotFound()
	}
	return s.tenantLookup("id:"+id, func() (*tenantry.Tenant, error) { return s.store.TenantByID(ctx, id) })
}

// tenantBySlug returns a tenant by slug (tenant_not_found), cached.
func (s *Server) tenantBySlug(ctx context.Context, slug string) (*tenantry.Tenant, error) {
	if len(slug) > 63 {
		return nil, errTenantNotFound()
	}
	return s.tenantLookup("slug:"+slug, func() (*tenantry.Tenant, error) { return s.store.TenantBySlug(ctx, slug) })
}

// tenantByDomain returns a tenant by its custom domain (tenant_not_found),
// cached.
func (s *Server) tenantByDomain(ctx context.Context, domain string) (*tenantry.Tenant, error) {
	return s.tenantLookup("domain:"+domain, func() (*tenantry.Tenant, error) { return s.store.TenantByDomain(ctx, domain) })
}

// tenantByRef returns a tenant by id or slug (tenant_not_found).
func (s *Server) tenantByRef(ctx context.Context, ref string) (*tenantry.Tenant, error) {
	if id, ok := tenantry.ParseID(ref); ok {
		return s.tenantByID(ctx, id)
	}
	ref = normalizeSlug(ref)
	if ref == "" {
		return nil, errTenantNotFound()
	}
	return s.tenantBySlug(ctx, ref)
}

// memberRole returns the user's role in the tenant (not_a_member), cached.
func (s *Server) memberRole(ctx context.Context, tenantID, userID string) (tenantry.Role, error) {
	key := memberKey(tenantID, userID)
	if l, ok := s.cache.members.get(key); ok {
		return l.v, l.err
	}
	m, err := s.store.Tenant(tenantID).Member(ctx, userID)
	var role tenantry.Role
	if err != nil {
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			err = tenantry.Errorf(tenantry.ENOTAMEMBER, "You are not a member of this tenant.")
		} else if !cacheable(err) {
			return "", err
		}
	} else {
		role = m.Role
	}
	s.cache.members.put(key, lookup[tenantry.Role]{v: role, err: err})
	return role, err
}

// user returns a user by id (not_found), cached.
func (s *Server) user(ctx context.Context, id string) (*tenantry.User, error) {
	if u, ok := s.cache.users.get(id); ok {
		return u, nil
	}
	u, err := s.store.User(ctx, id)
	if err != nil {
		return nil, err
	}
	s.cache.users.put(id, u)
	return u, nil
}

func errTenantNotFound() error {
	return tenantry.Errorf(tenantry.ETENANTNOTFOUND, "No tenant matches the request.")
}
