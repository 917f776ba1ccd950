package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/tenantry/tenantry"
)

// Apply creates the tenants of entries that do not exist (found by slug)
// and updates the others, idempotently: a tenant is updated only when the
// entry changes its name, plan, domain or one of the settings or limits it
// names, and settings and limit overrides it does not name are kept. It stops at the first failure
// and returns how many tenants it created and updated until then. Each
// change is one audited Platform call made as the actor in ctx. A domain
// that is one of baseDomains or under one is validation_failed.
func Apply(ctx context.Context, p tenantry.Platform, store tenantry.Store, entries []Entry, baseDomains ...string) (created, updated int, err error) {
	for _, e := range entries {
		if err := tenantry.ValidateCustomDomain(e.Domain, baseDomains); err != nil {
			return created, updated, fmt.Errorf("registry: line %d: tenant %q: %w", e.Line, e.Slug, err)
		}
		changed, isNew, err := apply(ctx, p, store, e)
		if err != nil {
			return created, updated, fmt.Errorf("registry: line %d: tenant %q: %w", e.Line, e.Slug, err)
		}
		switch {
		case isNew:
			created++
		case changed:
			updated++
		}
	}
	return created, updated, nil
}

func apply(ctx context.Context, p tenantry.Platform, store tenantry.Store, e Entry) (changed, isNew bool, err error) {
	want := e.settings()
	t, err := store.TenantBySlug(ctx, e.Slug)
	if tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
		_, err = p.CreateTenant(ctx, tenantry.TenantCreate{
			Name: e.Name, Slug: e.Slug, Domain: e.Domain, Plan: e.Plan, Settings: want,
			Limits: e.TenantLimits(),
		})
		return err == nil, err == nil, err
	} else if err != nil {
		return false, false, err
	}

	var tu tenantry.TenantUpdate
	if e.Name != t.Name {
		tu.Name = &e.Name
		changed = true
	}
	if e.Plan != "" && e.Plan != t.Plan {
		tu.Plan = &e.Plan
		changed = true
	}
	if e.Domain != "" && e.Domain != t.Domain {
		tu.Domain = &e.Domain
		changed = true
	}
	patch := tenantry.Settings{}
	for k, v := range want {
		if old, ok := t.Settings[k]; !ok || !sameJSON(old, v) {
			patch[k] = v
		}
	}
	if len(patch) > 0 {
		tu.SettingsPatch = patch
		changed = true
	}
	limits := tenantry.LimitsPatch{}
	for k, v := range e.Limits {
		if old, ok := t.Limits[k]; !ok || old != v {
			limits[k] = v
		}
	}
	if len(limits) > 0 {
		tu.LimitsPatch = limits
		changed = true
	}
	if !changed {
		return false, false, nil
	}
	_, err = p.UpdateTenant(ctx, t.ID, tu)
	return err == nil, false, err
}

// sameJSON reports whether a and b encode to the same JSON (object keys are
// sorted by encoding/json, so key order does not matter).
func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}
