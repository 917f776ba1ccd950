package http

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/sqlite"
)

func TestTTLCache(t *testing.T) {
	now := time.Unix(0, 0)
	c := newTTLCache[int](time.Second, func() time.Time { return now })
	c.put("a", 1)
	if v, ok := c.get("a"); !ok || v != 1 {
		t.Fatalf("get a: got %d %v, want 1 true", v, ok)
	}
	now = now.Add(time.Second)
	if _, ok := c.get("a"); ok {
		t.Fatal("entry alive after its TTL")
	}
	c.put("b", 2)
	c.del("b")
	if _, ok := c.get("b"); ok {
		t.Fatal("entry alive after del")
	}
}

// TestCacheInvalidationFromTheStore: the store's commits drop the cached
// facts they change, with no call from a handler: at once in the
// committing process (Store.OnInvalidation), and through the database's
// invalidations outbox in another process on the same file (a second
// handle, as a second server would open). Each change is a row of the
// table above that a handler used to announce by hand.
func TestCacheInvalidationFromTheStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	open := func() *sqlite.DB {
		db, err := sqlite.Open(t.Context(), path, tenantry.DefaultPlans(), projects.Extension())
		if err != nil {
			t.Fatalf("sqlite.Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	here, there := open(), open()
	e := newTestEnv(t, here)
	f := e.newFixture(t, "bussed", "free")
	long := time.Hour
	a := NewServer(Config{Store: here, Auth: e.Auth, CacheTTL: long})
	b := NewServer(Config{Store: there, Auth: e.Auth, CacheTTL: long,
		Bus: there.Bus(sqlite.BusOptions{PollInterval: 10 * time.Millisecond})})
	defer a.Close()
	defer b.Close()
	ctx := t.Context()
	for _, s := range []*Server{a, b} {
		if _, err := s.memberRole(ctx, f.Tenant.ID, f.Member.UserID); err != nil {
			t.Fatalf("memberRole: %v", err)
		}
		if _, err := s.tenants.TenantBySlug(ctx, "bussed"); err != nil {
			t.Fatalf("TenantBySlug: %v", err)
		}
	}
	if err := here.Tenant(f.Tenant.ID).RemoveMember(ctx, f.Member.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := here.Tenant(f.Tenant.ID).UpdateSettings(ctx, tenantry.Settings{tenantry.SettingWelcome: "Hello"}); err != nil {
		t.Fatal(err)
	}
	dropped := func(s *Server) (bool, error) {
		_, err := s.memberRole(ctx, f.Tenant.ID, f.Member.UserID)
		_, cached := s.cache.tenants.get("slug:bussed")
		return tenantry.IsCode(err, tenantry.ENOTAMEMBER) && !cached, err
	}
	if ok, err := dropped(a); !ok {
		t.Errorf("committing process: membership (%v) or tenant still cached right after the commits; want both dropped", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, err := dropped(b)
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("other process still has the membership (%v) or tenant cached", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCachesDropOnlyTheChangedTenant(t *testing.T) {
	const a, b = "0190aaaa-0000-7000-8000-000000000001", "0190bbbb-0000-7000-8000-000000000002"
	c := newCaches(time.Hour)
	c.tenants.put("id:"+a, lookup[*tenantry.Tenant]{v: &tenantry.Tenant{ID: a}})
	c.tenants.put("slug:old-a", lookup[*tenantry.Tenant]{v: &tenantry.Tenant{ID: a}})
	c.tenants.put("id:"+b, lookup[*tenantry.Tenant]{v: &tenantry.Tenant{ID: b}})
	c.tenants.put("slug:b", lookup[*tenantry.Tenant]{v: &tenantry.Tenant{ID: b}})
	c.tenants.put("slug:free", lookup[*tenantry.Tenant]{err: tenantry.ErrNoTenant()})
	c.members.put(memberKey(a, "u1"), lookup[tenantry.Role]{v: tenantry.RoleOwner})
	c.members.put(memberKey(b, "u1"), lookup[tenantry.Role]{v: tenantry.RoleOwner})
	c.apiKeys.put("key-a", &auth.Principal{APIKeyID: "k1", TenantID: a})
	c.apiKeys.put("key-b", &auth.Principal{APIKeyID: "k2", TenantID: b})
	c.apiKeys.put("jwt:token", &auth.Principal{UserID: "u1"})

	c.apply(tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: a})

	tests := []struct {
		name string
		ok   bool
		want bool
	}{
		{"tenant a by id", has(c.tenants, "id:"+a), false},
		{"tenant a by its old slug", has(c.tenants, "slug:old-a"), false},
		{"negative answer for a slug", has(c.tenants, "slug:free"), false},
		{"tenant b by id", has(c.tenants, "id:"+b), true},
		{"tenant b by slug", has(c.tenants, "slug:b"), true},
		{"membership in a", has(c.members, memberKey(a, "u1")), false},
		{"membership in b", has(c.members, memberKey(b, "u1")), true},
		{"API key of a", has(c.apiKeys, "key-a"), false},
		{"API key of b", has(c.apiKeys, "key-b"), true},
		{"user token", has(c.apiKeys, "jwt:token"), true},
	}
	for _, tt := range tests {
		if tt.ok != tt.want {
			t.Errorf("%s cached after a change to tenant a: got %v, want %v", tt.name, tt.ok, tt.want)
		}
	}

	c.apply(tenantry.Invalidation{Kind: tenantry.InvTenant})
	if has(c.tenants, "id:"+b) || has(c.members, memberKey(b, "u1")) || has(c.apiKeys, "key-b") {
		t.Error("an invalidation naming no tenant left entries cached; want everything dropped")
	}
}

func has[V any](c *ttlCache[V], key string) bool {
	_, ok := c.get(key)
	return ok
}

// TestCacheFloodOfMissesKeepsHits checks that a flood of unknown slugs,
// more than the cache holds, evicts no cached tenant, membership or
// credential.
func TestCacheFloodOfMissesKeepsHits(t *testing.T) {
	const id = "0190aaaa-0000-7000-8000-000000000001"
	c := newCaches(time.Hour)
	c.tenants.put("slug:acme", lookup[*tenantry.Tenant]{v: &tenantry.Tenant{ID: id, Slug: "acme"}})
	c.tenants.put("id:"+id, lookup[*tenantry.Tenant]{v: &tenantry.Tenant{ID: id, Slug: "acme"}})
	c.members.put(memberKey(id, "u1"), lookup[tenantry.Role]{v: tenantry.RoleOwner})
	c.apiKeys.put("key-a", &auth.Principal{APIKeyID: "k1", TenantID: id})
	for i := range maxCacheEntries + 10 {
		c.tenants.put("slug:unknown-"+strconv.Itoa(i), lookup[*tenantry.Tenant]{err: tenantry.ErrNoTenant()})
		c.members.put(memberKey(id, "stranger-"+strconv.Itoa(i)), lookup[tenantry.Role]{err: tenantry.Errorf(tenantry.ENOTAMEMBER, "no")})
	}
	tests := []struct {
		name string
		ok   bool
	}{
		{"tenant by slug", has(c.tenants, "slug:acme")},
		{"tenant by id", has(c.tenants, "id:"+id)},
		{"membership", has(c.members, memberKey(id, "u1"))},
		{"API key", has(c.apiKeys, "key-a")},
		{"the latest miss", has(c.tenants, "slug:unknown-"+strconv.Itoa(maxCacheEntries+9))},
	}
	for _, tt := range tests {
		if !tt.ok {
			t.Errorf("%s not cached after a flood of misses; want it cached", tt.name)
		}
	}
}

// TestCacheFloodThroughHTTP sends requests naming unknown tenants, many more
// than the cache holds, before authentication, and checks that the tenant,
// membership and token principal of a known caller stay cached.
func TestCacheFloodThroughHTTP(t *testing.T) {
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "free")
	s := NewServer(Config{Store: e.Store, Auth: e.Auth, Plans: e.Plans, CacheTTL: time.Hour})
	defer s.Close()
	s.cache = newCachesSized(time.Hour, 64, 8)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	flood := &testEnv{URL: srv.URL, Store: e.Store, Auth: e.Auth, Plans: e.Plans}

	flood.must(t, f.Owner.in("acme"), "GET", "/api/projects", nil, 200, nil)
	for i := range 300 {
		// A CORS preflight resolves the tenant of its path before any
		// authentication.
		req, err := http.NewRequest("OPTIONS", srv.URL+"/t/unknown-"+strconv.Itoa(i)+"/api/projects", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", "https://flood.example")
		req.Header.Set("Access-Control-Request-Method", "GET")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("preflight: status %d, want 204", res.StatusCode)
		}
	}
	tests := []struct {
		name string
		ok   bool
		want bool
	}{
		{"tenant acme by slug", has(s.cache.tenants, "slug:acme"), true},
		{"the owner's membership", has(s.cache.members, memberKey(f.Tenant.ID, f.Owner.UserID)), true},
		{"the owner's token", has(s.cache.apiKeys, "jwt:"+f.Owner.Token), true},
		{"the latest unknown slug", has(s.cache.tenants, "slug:unknown-299"), true},
		{"the first unknown slug", has(s.cache.tenants, "slug:unknown-0"), false},
	}
	for _, tt := range tests {
		if tt.ok != tt.want {
			t.Errorf("%s cached after the flood: got %v, want %v", tt.name, tt.ok, tt.want)
		}
	}
}

// TestTTLCacheEvictsPerEntry checks that a full cache evicts its least
// recently used entry only, and that a negative answer and a hit under the
// same key replace each other.
func TestTTLCacheEvictsPerEntry(t *testing.T) {
	now := time.Unix(0, 0)
	miss := func(v int) bool { return v < 0 }
	c := newBoundedCache(time.Minute, func() time.Time { return now }, 2, 2, miss)
	c.put("a", 1)
	c.put("b", 2)
	c.get("a")     // a is now more recent than b
	c.put("c", 3)  // evicts b
	c.put("x", -1) // negative answers evict negative answers only
	c.put("y", -1)
	c.put("a", -1) // a is now unknown; evicts x
	c.put("d", 4)
	c.put("d", -1) // evicts y
	c.put("d", 5)  // d is known again
	tests := []struct {
		key  string
		want int
		ok   bool
	}{
		{"a", -1, true},
		{"b", 0, false},
		{"c", 3, true},
		{"d", 5, true},
		{"x", 0, false},
		{"y", 0, false},
	}
	for _, tt := range tests {
		if got, ok := c.get(tt.key); got != tt.want || ok != tt.ok {
			t.Errorf("get(%q) = %d, %v; want %d, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

// TestCachesDropARevokedKeyByID: a revocation names the key by id, and
// only that key's principals go.
func TestCachesDropARevokedKeyByID(t *testing.T) {
	c := newCaches(time.Hour)
	c.putAPIKey("hash-1", &auth.Principal{APIKeyID: "k1", TenantID: "t"})
	c.putAPIKey("hash-2", &auth.Principal{APIKeyID: "k2", TenantID: "t"})
	c.apply(tenantry.Invalidation{Kind: tenantry.InvAPIKey, TenantID: "t", Key: "k1"})
	_, one := c.apiKey("hash-1")
	_, two := c.apiKey("hash-2")
	if one || !two {
		t.Errorf("after revoking k1: k1 cached %v (want false), k2 cached %v (want true)", one, two)
	}
}

// newTTLCache returns a cache of maxCacheEntries entries with no separate
// negative answers.
func newTTLCache[V any](ttl time.Duration, now func() time.Time) *ttlCache[V] {
	return newBoundedCache[V](ttl, now, maxCacheEntries, 0, nil)
}
