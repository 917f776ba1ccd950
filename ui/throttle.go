package ui

import (
	"math"
	"net"
	"strconv"
	"time"

	"github.com/tenantry/tenantry"
)

// throttleSignIn counts a sign-in or sign-up attempt against the client IP
// and the e-mail address. Over a limit it sets Retry-After and returns a
// rate_limited error whose message says when to try again. Without a
// Limiter, or when the limiter fails, the attempt is let through.
func (h *Handler) throttleSignIn(q *request, email string) error {
	if h.cfg.Limiter == nil {
		return nil
	}
	ctx := q.r.Context()
	type limit struct {
		key  string
		rate tenantry.Rate
	}
	limits := []limit{{"ui-signin:ip:" + clientIP(q.r.RemoteAddr), tenantry.Rate{Events: 20, Per: time.Minute, Burst: 20}}}
	if email = tenantry.NormalizeEmail(email); email != "" {
		limits = append(limits, limit{"ui-signin:email:" + email, tenantry.Rate{Events: 10, Per: time.Minute, Burst: 10}})
	}
	for _, l := range limits {
		res, err := h.cfg.Limiter.Allow(ctx, l.key, l.rate)
		if err != nil {
			h.logger.WarnContext(ctx, "ui: rate limiter failed", "err", err)
			continue
		}
		if !res.Allowed {
			secs := max(int64(math.Ceil(res.RetryAfter.Seconds())), 1)
			q.w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			return &tenantry.Error{
				Code:       tenantry.ERATELIMITED,
				Message:    "Too many attempts; try again in " + strconv.FormatInt(secs, 10) + " seconds.",
				RetryAfter: time.Duration(secs) * time.Second,
			}
		}
	}
	return nil
}

// clientIP returns the IP address of a request's peer address.
func clientIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}
