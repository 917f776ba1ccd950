package auth

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/tenantry/tenantry"
)

// Default sign-in budgets of a SignInThrottle, in attempts a minute.
const (
	// DefaultSignInPerIP is the budget of each client address.
	DefaultSignInPerIP = 20
	// DefaultSignInPerEmail is the budget of each e-mail address.
	DefaultSignInPerEmail = 10
)

// Throttle scopes: which budget refused an attempt.
const (
	ThrottleScopeIP    = "ip"
	ThrottleScopeEmail = "email"
)

// ThrottleConfig configures a SignInThrottle. Zero fields take the defaults.
type ThrottleConfig struct {
	// PerIP is the budget of each client address (DefaultSignInPerIP a
	// minute).
	PerIP *tenantry.Rate
	// PerEmail is the budget of each e-mail address, normalized
	// (DefaultSignInPerEmail a minute).
	PerEmail *tenantry.Rate
	// Logger receives limiter failures (default: discarded).
	Logger *slog.Logger
}

// SignInThrottle bounds sign-in and sign-up attempts against brute force.
// The JSON API and the web pages share it: both count in one RateLimiter
// under the same keys, so that every client address and every e-mail
// address has one budget whichever way it signs in. It is safe for
// concurrent use.
type SignInThrottle struct {
	limiter  tenantry.RateLimiter
	perIP    tenantry.Rate
	perEmail tenantry.Rate
	logger   *slog.Logger
}

// NewSignInThrottle returns a throttle counting in limiter. A nil limiter
// makes a throttle that admits every attempt.
func NewSignInThrottle(limiter tenantry.RateLimiter, cfg ThrottleConfig) *SignInThrottle {
	t := &SignInThrottle{
		limiter:  limiter,
		perIP:    tenantry.Rate{Events: DefaultSignInPerIP, Per: time.Minute, Burst: DefaultSignInPerIP},
		perEmail: tenantry.Rate{Events: DefaultSignInPerEmail, Per: time.Minute, Burst: DefaultSignInPerEmail},
		logger:   cfg.Logger,
	}
	if cfg.PerIP != nil {
		t.perIP = *cfg.PerIP
	}
	if cfg.PerEmail != nil {
		t.perEmail = *cfg.PerEmail
	}
	if t.logger == nil {
		t.logger = slog.New(slog.DiscardHandler)
	}
	return t
}

// Check counts one attempt from the client address ip for email (which may
// be empty). It returns nil when the attempt may go on; over a budget it
// returns the scope that refused it (ThrottleScopeIP or ThrottleScopeEmail)
// and a rate_limited *tenantry.Error whose RetryAfter, in whole seconds, is
// also in its message. When the limiter fails the attempt goes on.
func (t *SignInThrottle) Check(ctx context.Context, ip, email string) (scope string, err error) {
	if t == nil || t.limiter == nil {
		return "", nil
	}
	type budget struct {
		scope, key string
		rate       tenantry.Rate
	}
	budgets := []budget{{ThrottleScopeIP, "signin:ip:" + ip, t.perIP}}
	if email = tenantry.NormalizeEmail(email); email != "" {
		budgets = append(budgets, budget{ThrottleScopeEmail, "signin:email:" + email, t.perEmail})
	}
	for _, b := range budgets {
		res, err := t.limiter.Allow(ctx, b.key, b.rate)
		if err != nil {
			t.logger.LogAttrs(ctx, slog.LevelWarn, "sign-in rate limiter failed", slog.String("error", err.Error()))
			continue
		}
		if !res.Allowed {
			secs := max(int64(math.Ceil(res.RetryAfter.Seconds())), 1)
			return b.scope, &tenantry.Error{
				Code:       tenantry.ERATELIMITED,
				Message:    "Too many attempts; try again in " + strconv.FormatInt(secs, 10) + " seconds.",
				RetryAfter: time.Duration(secs) * time.Second,
			}
		}
	}
	return "", nil
}
