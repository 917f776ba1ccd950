package http

import (
	"testing"
	"time"

	"github.com/tenantry/tenantry"
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
