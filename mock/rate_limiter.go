package mock

import (
	"context"

	"github.com/tenantry/tenantry"
)

var _ tenantry.RateLimiter = (*RateLimiter)(nil)

// RateLimiter is a fake tenantry.RateLimiter whose methods call the matching function
// field; calling a method whose field is nil panics.
type RateLimiter struct {
	AllowFn func(ctx context.Context, key string, r tenantry.Rate) (tenantry.RateResult, error)
}

// Allow calls AllowFn.
func (m *RateLimiter) Allow(ctx context.Context, key string, r tenantry.Rate) (tenantry.RateResult, error) {
	if m.AllowFn == nil {
		panic("mock: RateLimiter.Allow called but AllowFn is nil")
	}
	return m.AllowFn(ctx, key, r)
}
