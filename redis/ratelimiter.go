package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/tenantry/tenantry"
)

var _ tenantry.RateLimiter = (*RateLimiter)(nil)

// RateLimiterOptions configures a RateLimiter. The zero value is usable.
type RateLimiterOptions struct {
	// Prefix is put before every key in Redis (default "tenantry:rl:");
	// redis_rate adds its own "rate:" in front.
	Prefix string
	// Timeout bounds each Redis call (default 50ms). The client should
	// have ContextTimeoutEnabled (Open sets it) for it to bound reads.
	Timeout time.Duration
	// CheckInterval is how often, while Redis is down, one request probes
	// it with a PING (default one second); every other request goes
	// straight to the fallback.
	CheckInterval time.Duration
	// Registry receives the tenantry_ratelimit_fallback_total counter and
	// the tenantry_redis_up gauge; nil registers nothing.
	Registry *prometheus.Registry
	// Logger logs each outage once when it starts and once when it ends
	// (default slog.Default()).
	Logger *slog.Logger
	// Now returns the current time (default time.Now); it paces probes.
	Now func() time.Time
}

// RateLimiter is a tenantry.RateLimiter shared by every process using the
// same Redis, with redis_rate's GCRA Lua script. When Redis fails or is
// slower than Options.Timeout it answers from a local fallback limiter
// (per process, so the effective limit is per process during the outage)
// and returns to Redis by itself once a probe succeeds.
type RateLimiter struct {
	client   *goredis.Client
	limiter  *redis_rate.Limiter
	fallback tenantry.RateLimiter
	prefix   string
	timeout  time.Duration
	interval int64
	logger   *slog.Logger
	now      func() time.Time

	up        atomic.Bool
	nextProbe atomic.Int64 // UnixNano after which one request may probe
	slow      atomic.Int32 // consecutive timed-out calls

	fallbacks prometheus.Counter
	upGauge   prometheus.Gauge
}

// NewRateLimiter returns a RateLimiter using client, answering from
// fallback (for example an inmem.RateLimiter) while Redis is down. It fails
// only when the metrics cannot be registered. Several limiters may share a
// Registry: they then share the metrics.
func NewRateLimiter(client *goredis.Client, fallback tenantry.RateLimiter, opts RateLimiterOptions) (*RateLimiter, error) {
	if client == nil || fallback == nil {
		return nil, errors.New("redis: NewRateLimiter needs a client and a fallback")
	}
	l := &RateLimiter{
		client:   client,
		limiter:  redis_rate.NewLimiter(client),
		fallback: fallback,
		prefix:   opts.Prefix,
		timeout:  opts.Timeout,
		interval: int64(opts.CheckInterval),
		logger:   opts.Logger,
		now:      opts.Now,
		fallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tenantry_ratelimit_fallback_total",
			Help: "Rate limit decisions taken by the local fallback because Redis was unavailable.",
		}),
		upGauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tenantry_redis_up",
			Help: "Whether the Redis rate limiter last reached Redis (1) or is using its fallback (0).",
		}),
	}
	if l.prefix == "" {
		l.prefix = "tenantry:rl:"
	}
	if l.timeout <= 0 {
		l.timeout = 50 * time.Millisecond
	}
	if l.interval <= 0 {
		l.interval = int64(time.Second)
	}
	if l.logger == nil {
		l.logger = slog.Default()
	}
	if l.now == nil {
		l.now = time.Now
	}
	if opts.Registry != nil {
		var err error
		if l.fallbacks, err = register(opts.Registry, l.fallbacks); err != nil {
			return nil, err
		}
		if l.upGauge, err = register(opts.Registry, l.upGauge); err != nil {
			return nil, err
		}
	}
	l.up.Store(true)
	l.upGauge.Set(1)
	return l, nil
}

// register registers c on reg, or returns the collector already registered
// under the same name.
func register[C prometheus.Collector](reg *prometheus.Registry, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, fmt.Errorf("register metric: %w", err)
	}
	return c, nil
}

// Up reports whether the limiter is currently answering from Redis.
func (l *RateLimiter) Up() bool { return l.up.Load() }

// Allow admits or refuses one event for key under r, in Redis when it is
// up and answers within the timeout, else in the fallback. It returns an
// error only for an invalid Rate or when ctx itself is done.
func (l *RateLimiter) Allow(ctx context.Context, key string, r tenantry.Rate) (tenantry.RateResult, error) {
	if r.Events <= 0 || r.Per <= 0 {
		return tenantry.RateResult{}, errors.New("redis: rate needs positive Events and Per")
	}
	if !l.up.Load() && !l.probe(ctx) {
		l.fallbacks.Inc()
		return l.fallback.Allow(ctx, key, r)
	}
	res, err := l.allowRedis(ctx, key, r)
	if err == nil {
		l.slow.Store(0)
		return res, nil
	}
	if ctx.Err() != nil {
		return tenantry.RateResult{}, ctx.Err()
	}
	// One slow answer on a loaded machine is not an outage: switching every
	// request of the process to its local limit for a whole CheckInterval
	// would multiply the admitted rate by the number of processes. Only an
	// error that is not a timeout, or slowDown timeouts in a row, do.
	if !isTimeout(err) || l.slow.Add(1) >= slowDown {
		l.markDown(err)
	}
	l.fallbacks.Inc()
	return l.fallback.Allow(ctx, key, r)
}

// slowDown is how many timed-out calls in a row mark Redis down.
const slowDown = 3

// isTimeout reports whether err is a per-call timeout rather than a
// failure to reach Redis at all.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// allowRedis runs redis_rate's GCRA script under the per-call timeout.
func (l *RateLimiter) allowRedis(ctx context.Context, key string, r tenantry.Rate) (tenantry.RateResult, error) {
	burst := r.Burst
	if burst < 1 {
		burst = 1
	}
	limit := redis_rate.Limit{Rate: int(r.Events), Period: r.Per, Burst: int(burst)}
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	res, err := l.limiter.Allow(ctx, l.prefix+key, limit)
	if err != nil {
		return tenantry.RateResult{}, err
	}
	out := tenantry.RateResult{
		Allowed:    res.Allowed > 0,
		Limit:      burst,
		Remaining:  int64(res.Remaining),
		ResetAfter: max(res.ResetAfter, 0),
	}
	if !out.Allowed {
		out.RetryAfter = max(res.RetryAfter, 0)
	}
	return out, nil
}

// markDown switches to the fallback, logging and setting the gauge only on
// the transition so that an outage is logged once.
func (l *RateLimiter) markDown(err error) {
	l.slow.Store(0)
	l.nextProbe.Store(l.now().UnixNano() + l.interval)
	if l.up.CompareAndSwap(true, false) {
		l.upGauge.Set(0)
		l.logger.Warn("redis rate limiter unavailable; using the local fallback until it answers again", "err", err)
	}
}

// probe lets at most one request per CheckInterval ping Redis while it is
// down; it reports whether Redis is back (and marks it up).
func (l *RateLimiter) probe(ctx context.Context) bool {
	now := l.now().UnixNano()
	next := l.nextProbe.Load()
	if now < next || !l.nextProbe.CompareAndSwap(next, now+l.interval) {
		return false
	}
	pctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	if err := l.client.Ping(pctx).Err(); err != nil {
		return false
	}
	if l.up.CompareAndSwap(false, true) {
		l.upGauge.Set(1)
		l.logger.Info("redis rate limiter reachable again; using redis")
	}
	return true
}
