package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/dbbus"
)

// InvalidationOpener makes a fresh, empty database for one test and
// returns a store on it and a function that opens it once more (a new
// handle, as another process would) and returns a Bus on that handle.
type InvalidationOpener func(t *testing.T) (tenantry.Store, func(opts dbbus.Options) DBBus)

// RunInvalidations checks the invalidations outbox: every change that
// makes a cached fact wrong writes its invalidations in its own
// transaction, which the committing handle tells at once
// (Store.OnInvalidation) and another handle's Bus brings; a change that
// fails tells nothing. Each step compares the exact invalidations, in
// both places.
func RunInvalidations(t *testing.T, open InvalidationOpener) {
	s, again := open(t)
	ctx := adminCtx(t, t.Context(), "", "req-inv")
	var local, remote recorder
	defer s.OnInvalidation(local.add)()
	again(dbbus.Options{PollInterval: 10 * time.Millisecond}).Subscribe(t.Context(), remote.add)

	var nLocal, nRemote int
	step := func(name string, change func() error, want ...tenantry.Invalidation) {
		t.Helper()
		if err := change(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		all := local.all()
		if got := all[nLocal:]; !sameInvalidations(got, want) {
			t.Errorf("%s: told the committing handle %v, want %v", name, got, want)
		}
		nLocal = len(all)
		all, took := remote.waitFor(nRemote+len(want), maxDelivery)
		if got := all[nRemote:]; !sameInvalidations(got, want) {
			t.Errorf("%s: another handle's Bus brought %v within %v, want %v", name, got, took, want)
		}
		nRemote = len(all)
	}

	owner := newUser(t, ctx, s, "owner@inv.test")
	mem := newUser(t, ctx, s, "member@inv.test")
	tn := &tenantry.Tenant{ID: tenantry.NewID()}
	step("CreateTenant", func() error {
		_, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{ID: tn.ID, Name: "Inv", Slug: "inv", Plan: "free", OwnerID: owner.ID})
		return err
	}, tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: tn.ID}, member(tn.ID, owner.ID))
	h := s.Tenant(tn.ID)
	step("AddMember", func() error { _, err := h.AddMember(ctx, mem.ID, tenantry.RoleMember); return err },
		member(tn.ID, mem.ID))
	step("UpdateMember", func() error { _, err := h.UpdateMember(ctx, mem.ID, tenantry.RoleAdmin); return err },
		member(tn.ID, mem.ID))
	step("UpdateSettings", func() error {
		_, err := h.UpdateSettings(ctx, tenantry.Settings{tenantry.SettingWelcome: "Hello"})
		return err
	},
		tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: tn.ID})
	key := &tenantry.APIKey{Name: "k", Role: tenantry.RoleMember, Prefix: "tnt_", Hash: "inv-key", CreatedBy: owner.ID}
	step("CreateAPIKey", func() error { return h.CreateAPIKey(ctx, key) })
	step("RevokeAPIKey", func() error { return h.RevokeAPIKey(ctx, key.ID) },
		tenantry.Invalidation{Kind: tenantry.InvAPIKey, TenantID: tn.ID, Key: key.ID})
	step("SetDefaultTenant", func() error { return s.SetDefaultTenant(ctx, mem.ID, tn.ID) }, tenantry.UserChanged(mem.ID))
	step("RemoveMember", func() error { return h.RemoveMember(ctx, mem.ID) }, member(tn.ID, mem.ID), tenantry.UserChanged(mem.ID))
	step("RemoveMember of the last owner (fails)", func() error {
		if err := h.RemoveMember(ctx, owner.ID); !tenantry.IsCode(err, tenantry.EINVALID) {
			return fmt.Errorf("got %v, want validation_failed", err)
		}
		return nil
	})
	step("SetPlatformAdmin", func() error { return s.SetPlatformAdmin(ctx, owner.ID, true) }, tenantry.UserChanged(owner.ID))
	rt := &tenantry.RefreshToken{UserID: owner.ID, Hash: "inv-refresh", ExpiresAt: time.Now().Add(time.Hour)}
	step("CreateRefreshToken", func() error { return s.CreateRefreshToken(ctx, rt) })
	step("RevokeRefreshToken", func() error { _, err := s.RevokeRefreshToken(ctx, rt.Hash); return err },
		tenantry.SessionRevoked(rt))
	step("SetTenantStatus", func() error { _, err := s.Platform().SetTenantStatus(ctx, tn.ID, tenantry.TenantSuspended); return err },
		tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: tn.ID})
	step("DeleteTenant", func() error { return s.Platform().DeleteTenant(ctx, tn.ID) },
		tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: tn.ID})
}

// member is the invalidation of userID's membership of tenantID.
func member(tenantID, userID string) tenantry.Invalidation {
	return tenantry.Invalidation{Kind: tenantry.InvMember, TenantID: tenantID, UserID: userID}
}

// sameInvalidations reports whether got and want hold the same
// invalidations, in any order.
func sameInvalidations(got, want []tenantry.Invalidation) bool {
	key := func(inv tenantry.Invalidation) string {
		return strings.Join([]string{inv.Kind, inv.TenantID, inv.UserID, inv.Key}, "|")
	}
	g, w := make([]string, len(got)), make([]string, len(want))
	for i, inv := range got {
		g[i] = key(inv)
	}
	for i, inv := range want {
		w[i] = key(inv)
	}
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
