package tenantry

import (
	"context"
	"time"
)

// Rate is a rate limit: Events per Per, allowing bursts of up to Burst.
type Rate struct {
	Events int64
	Per    time.Duration
	Burst  int64
}

// RateResult is the outcome of one RateLimiter.Allow call.
type RateResult struct {
	Allowed bool
	// Limit is the burst size, Remaining what is left of it.
	Limit     int64
	Remaining int64
	// RetryAfter is how long until one request would be allowed (0 when
	// allowed); ResetAfter how long until the bucket is full again.
	RetryAfter time.Duration
	ResetAfter time.Duration
}

// RateLimiter admits or refuses events for a key under a Rate. The
// in-process implementation is inmem.RateLimiter; redis.RateLimiter shares
// the limit across processes.
type RateLimiter interface {
	Allow(ctx context.Context, key string, r Rate) (RateResult, error)
}
