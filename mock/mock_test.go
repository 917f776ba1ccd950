package mock_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/mock"
)

func TestFunctionFieldIsCalled(t *testing.T) {
	want := &tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme"}
	var gotSlug string
	s := &mock.Store{TenantBySlugFn: func(_ context.Context, slug string) (*tenantry.Tenant, error) {
		gotSlug = slug
		return want, nil
	}}
	got, err := s.TenantBySlug(t.Context(), "acme")
	if err != nil || got != want || gotSlug != "acme" {
		t.Errorf("TenantBySlug = %v, %v (slug %q); want %v, nil (slug acme)", got, err, gotSlug, want)
	}
	ts := &mock.TenantStore{IDFn: func() string { return want.ID }}
	s.TenantFn = func(string) tenantry.TenantStore { return ts }
	if got := s.Tenant(want.ID).ID(); got != want.ID {
		t.Errorf("Tenant(id).ID() = %q, want %q", got, want.ID)
	}
}

func TestNilFunctionFieldPanics(t *testing.T) {
	tests := map[string]struct {
		call func()
		want string
	}{
		"Store.Ping":           {func() { (&mock.Store{}).Ping(context.Background()) }, "Store.Ping called but PingFn is nil"},
		"Platform.Tenants":     {func() { (&mock.Platform{}).Tenants(context.Background(), tenantry.TenantFilter{}) }, "Platform.Tenants called but TenantsFn is nil"},
		"Assistant.Chat":       {func() { (&mock.Assistant{}).Chat(context.Background(), nil, "", "") }, "Assistant.Chat called but ChatFn is nil"},
		"RateLimiter.Allow":    {func() { (&mock.RateLimiter{}).Allow(context.Background(), "k", tenantry.Rate{}) }, "RateLimiter.Allow called but AllowFn is nil"},
		"Provider.Chat":        {func() { (&mock.Provider{}).Chat(context.Background(), tenantry.ChatRequest{}) }, "Provider.Chat called but ChatFn is nil"},
		"TenantStore.AddUsage": {func() { (&mock.TenantStore{}).AddUsage(context.Background(), "requests", 1) }, "TenantStore.AddUsage called but AddUsageFn is nil"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic = %v, want a message containing %q", r, tt.want)
				}
			}()
			tt.call()
		})
	}
}
