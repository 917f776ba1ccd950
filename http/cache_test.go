package http

import (
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/inmem"
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

func TestCacheInvalidationThroughBus(t *testing.T) {
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "bussed", "free")
	bus := inmem.NewBus()
	long := time.Hour
	a := NewServer(Config{Store: e.Store, Auth: e.Auth, Bus: bus, CacheTTL: long})
	b := NewServer(Config{Store: e.Store, Auth: e.Auth, Bus: bus, CacheTTL: long})
	defer a.Close()
	defer b.Close()
	ctx := t.Context()
	if _, err := b.memberRole(ctx, f.Tenant.ID, f.Member.UserID); err != nil {
		t.Fatalf("memberRole: %v", err)
	}
	if _, err := b.tenantBySlug(ctx, "bussed"); err != nil {
		t.Fatalf("tenantBySlug: %v", err)
	}
	if err := e.Store.Tenant(f.Tenant.ID).RemoveMember(ctx, f.Member.UserID); err != nil {
		t.Fatal(err)
	}
	a.invalidate(ctx, tenantry.Invalidation{Kind: tenantry.InvMember, TenantID: f.Tenant.ID, UserID: f.Member.UserID})
	a.invalidate(ctx, tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: f.Tenant.ID})
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := b.memberRole(ctx, f.Tenant.ID, f.Member.UserID)
		_, cached := b.cache.tenants.get("slug:bussed")
		if tenantry.IsCode(err, tenantry.ENOTAMEMBER) && !cached {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("other server still has the membership (%v) or tenant (%v) cached", err, cached)
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
	c.tenants.put("slug:free", lookup[*tenantry.Tenant]{err: errTenantNotFound()})
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
