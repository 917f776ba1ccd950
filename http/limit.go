package http

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenantry/tenantry"
)

// limits holds the per-process in-flight counters of tenants.
type limits struct {
	mu       sync.Mutex
	inFlight map[string]*atomic.Int64
}

func newLimits() *limits { return &limits{inFlight: map[string]*atomic.Int64{}} }

// counter returns the in-flight counter of a tenant.
func (l *limits) counter(tenantID string) *atomic.Int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.inFlight[tenantID]
	if !ok {
		c = new(atomic.Int64)
		l.inFlight[tenantID] = c
	}
	return c
}

// acquireInFlight counts a request against the tenant's max_in_flight and
// returns the function that releases it; over the cap it is rate_limited.
func (s *Server) acquireInFlight(t *tenantry.Tenant) (func(), error) {
	max := s.plans.Limit(t, tenantry.LimitMaxInFlight)
	if max == tenantry.Unlimited {
		return func() {}, nil
	}
	c := s.limits.counter(t.ID)
	if c.Add(1) > max {
		c.Add(-1)
		s.metrics.throttled.Inc()
		return nil, &tenantry.Error{Code: tenantry.ERATELIMITED,
			Message: "Too many requests of this tenant are in progress.", RetryAfter: time.Second}
	}
	return func() { c.Add(-1) }, nil
}

// rateLimitTenant applies the tenant's requests_per_second (burst 2x) and
// sets the RateLimit-* headers. A limiter failure lets the request through.
func (s *Server) rateLimitTenant(w http.ResponseWriter, r *http.Request, t *tenantry.Tenant) error {
	if s.cfg.Limiter == nil {
		return nil
	}
	rps := s.plans.Limit(t, tenantry.LimitRequestsPerSecond)
	if rps == tenantry.Unlimited {
		return nil
	}
	if rps <= 0 {
		s.metrics.rateLimited.WithLabelValues("tenant").Inc()
		return &tenantry.Error{Code: tenantry.ERATELIMITED, Message: "This tenant may not make requests.", RetryAfter: time.Minute}
	}
	res, err := s.cfg.Limiter.Allow(r.Context(), "tenant:"+t.ID, tenantry.Rate{Events: rps, Per: time.Second, Burst: 2 * rps})
	if err != nil {
		loggerOf(r).LogAttrs(r.Context(), slog.LevelWarn, "rate limiter failed", slog.String("error", err.Error()))
		return nil
	}
	h := w.Header()
	h.Set(hdrRateLimitLimit, strconv.FormatInt(res.Limit, 10))
	h.Set(hdrRateLimitRemaining, strconv.FormatInt(max(res.Remaining, 0), 10))
	h.Set(hdrRateLimitReset, strconv.FormatInt(ceilSeconds(res.ResetAfter), 10))
	if !res.Allowed {
		s.metrics.rateLimited.WithLabelValues("tenant").Inc()
		return &tenantry.Error{Code: tenantry.ERATELIMITED, Message: "This tenant is over its request rate.", RetryAfter: res.RetryAfter}
	}
	return nil
}

// limitSignIn applies the brute-force limits of sign-in and sign-up (the
// throttle shared with the web pages): per client address and per e-mail
// address.
func (s *Server) limitSignIn(ctx context.Context, r *http.Request, email string) error {
	scope, err := s.cfg.SignInThrottle.Check(ctx, clientOf(r).IP, email)
	if err != nil {
		s.metrics.rateLimited.WithLabelValues("signin_" + scope).Inc()
	}
	return err
}

// ceilSeconds rounds d up to whole seconds.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(math.Ceil(d.Seconds()))
}

// usageFlushInterval is how often counted tenant requests are written to
// the store's daily usage counters.
const usageFlushInterval = time.Second

// usageFlushTimeout bounds how long Close waits for the last write of the
// request counts.
const usageFlushTimeout = 5 * time.Second

// requestCounts counts tenant requests between flushes, so that a request
// costs no write of its own.
type requestCounts struct {
	mu sync.Mutex
	n  map[string]int64
}

// CountRequest counts one request of tenant tenantID in its usage, as
// every tenant route does: the web pages pass it as ui.Config.CountRequest
// so that their requests count too.
func (s *Server) CountRequest(tenantID string) { s.requests.add(tenantID) }

// add counts one request of a tenant.
func (c *requestCounts) add(tenantID string) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int64{}
	}
	c.n[tenantID]++
	c.mu.Unlock()
}

// take returns and resets the counts.
func (c *requestCounts) take() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = nil
	return n
}

// flushUsage writes the counted requests to the tenants' usage counters.
func (s *Server) flushUsage(ctx context.Context) {
	counts := s.requests.take()
	if len(counts) == 0 {
		return
	}
	// One transaction for every tenant counted: with many active tenants,
	// one per tenant would make the counting the busiest writer.
	if err := s.store.Platform().AddUsage(ctx, tenantry.CounterRequests, counts); err != nil {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "record usage", slog.Int("tenants", len(counts)), slog.String("error", err.Error()))
	}
}

// runUsage flushes request counts every usageFlushInterval until ctx is
// done, then once more.
func (s *Server) runUsage(ctx context.Context) {
	tick := time.NewTicker(usageFlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.flushUsage(context.WithoutCancel(ctx))
			return
		case <-tick.C:
			s.flushUsage(ctx)
		}
	}
}
