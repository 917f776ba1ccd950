package http

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// Bounds of each cache: maxCacheEntries answers, and apart from them at
// most maxMissEntries negative answers ("not found"), so that a flood of
// unknown names evicts other unknown names and never a cached hit. Each
// part evicts its least recently used entry when full.
const (
	maxCacheEntries = 100_000
	maxMissEntries  = 10_000
)

// ttlCache is a bounded LRU cache whose entries expire after ttl, with
// negative answers (those miss reports) bounded apart from the others. It
// is safe for concurrent use.
type ttlCache[V any] struct {
	mu     sync.Mutex
	ttl    time.Duration
	now    func() time.Time
	miss   func(V) bool
	hits   *simplelru.LRU[string, ttlEntry[V]]
	misses *simplelru.LRU[string, ttlEntry[V]] // nil when miss is nil
}

type ttlEntry[V any] struct {
	v       V
	expires time.Time
}

// newBoundedCache returns a cache of size entries, and of missSize more
// for the values miss reports as negative answers (none when miss is nil).
func newBoundedCache[V any](ttl time.Duration, now func() time.Time, size, missSize int, miss func(V) bool) *ttlCache[V] {
	c := &ttlCache[V]{ttl: ttl, now: now}
	c.hits = mustLRU[V](size)
	if miss != nil {
		c.miss = miss
		c.misses = mustLRU[V](missSize)
	}
	return c
}

// mustLRU returns an LRU of size entries; size must be positive.
func mustLRU[V any](size int) *simplelru.LRU[string, ttlEntry[V]] {
	l, err := simplelru.NewLRU[string, ttlEntry[V]](size, nil)
	if err != nil {
		panic("http: cache size " + strconv.Itoa(size) + ": " + err.Error())
	}
	return l
}

// get returns the live value of key.
func (c *ttlCache[V]) get(key string) (V, bool) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.hits.Get(key)
	if !ok && c.misses != nil {
		e, ok = c.misses.Get(key)
	}
	c.mu.Unlock()
	if !ok || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put stores v under key for the cache's TTL, evicting the least recently
// used entry of its part (negative answers or the others) when full.
func (c *ttlCache[V]) put(key string, v V) {
	e := ttlEntry[V]{v: v, expires: c.now().Add(c.ttl)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.miss != nil && c.miss(v) {
		c.hits.Remove(key)
		c.misses.Add(key, e)
		return
	}
	if c.misses != nil {
		c.misses.Remove(key)
	}
	c.hits.Add(key, e)
}

// del removes key.
func (c *ttlCache[V]) del(key string) {
	c.mu.Lock()
	c.hits.Remove(key)
	if c.misses != nil {
		c.misses.Remove(key)
	}
	c.mu.Unlock()
}

// dropIf removes every entry for which drop returns true.
func (c *ttlCache[V]) dropIf(drop func(key string, v V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range []*simplelru.LRU[string, ttlEntry[V]]{c.hits, c.misses} {
		if l == nil {
			continue
		}
		for _, k := range l.Keys() {
			if e, ok := l.Peek(k); ok && drop(k, e.v) {
				l.Remove(k)
			}
		}
	}
}

// purge removes every entry.
func (c *ttlCache[V]) purge() {
	c.mu.Lock()
	c.hits.Purge()
	if c.misses != nil {
		c.misses.Purge()
	}
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
	return newCachesSized(ttl, maxCacheEntries, maxMissEntries)
}

// newCachesSized returns caches of size entries each, the tenant and
// membership caches with missSize more for their negative answers.
func newCachesSized(ttl time.Duration, size, missSize int) *caches {
	return &caches{
		tenants: newBoundedCache(ttl, time.Now, size, missSize, isMiss[*tenantry.Tenant]),
		members: newBoundedCache(ttl, time.Now, size, missSize, isMiss[tenantry.Role]),
		apiKeys: newBoundedCache[*auth.Principal](ttl, time.Now, size, 0, nil),
		users:   newBoundedCache[*tenantry.User](ttl, time.Now, size, 0, nil),
	}
}

// isMiss reports whether l is a negative answer.
func isMiss[V any](l lookup[V]) bool { return l.err != nil }

// apply drops what inv says changed.
func (c *caches) apply(inv tenantry.Invalidation) {
	if inv.Notifies() {
		return
	}
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
		// Principals are cached by key hash; the invalidation names the
		// key by id, which is all its audit event knows.
		c.apiKeys.dropIf(func(_ string, p *auth.Principal) bool {
			return inv.Key == "" || p.APIKeyID == inv.Key
		})
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

// cachedTenants is the tenant directory behind the API's resolver: the
// store's, with its answers cached until an invalidation or their TTL.
type cachedTenants struct{ s *Server }

// lookup returns the cached answer of key, calling fetch on a miss.
func (d cachedTenants) lookup(key string, fetch func() (*tenantry.Tenant, error)) (*tenantry.Tenant, error) {
	if l, ok := d.s.cache.tenants.get(key); ok {
		return l.v, l.err
	}
	t, err := fetch()
	if err == nil || cacheable(err) {
		d.s.cache.tenants.put(key, lookup[*tenantry.Tenant]{v: t, err: err})
	}
	return t, err
}

// TenantByID returns a tenant by id (tenant_not_found), cached.
func (d cachedTenants) TenantByID(ctx context.Context, id string) (*tenantry.Tenant, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, tenantry.ErrNoTenant()
	}
	return d.lookup("id:"+id, func() (*tenantry.Tenant, error) { return d.s.store.TenantByID(ctx, id) })
}

// TenantBySlug returns a tenant by a slug the resolver normalized
// (tenant_not_found), cached.
func (d cachedTenants) TenantBySlug(ctx context.Context, slug string) (*tenantry.Tenant, error) {
	return d.lookup("slug:"+slug, func() (*tenantry.Tenant, error) { return d.s.store.TenantBySlug(ctx, slug) })
}

// TenantByDomain returns a tenant by a normalized custom domain
// (tenant_not_found), cached.
func (d cachedTenants) TenantByDomain(ctx context.Context, domain string) (*tenantry.Tenant, error) {
	return d.lookup("domain:"+domain, func() (*tenantry.Tenant, error) { return d.s.store.TenantByDomain(ctx, domain) })
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
