package ui

import (
	"strconv"

	"github.com/tenantry/tenantry"
)

// throttleSignIn counts a sign-in or sign-up attempt against the client
// address and the e-mail address in the sign-in throttle shared with the
// JSON API. Over a budget it sets Retry-After and returns the throttle's
// rate_limited error, whose message says when to try again.
func (h *Handler) throttleSignIn(q *request, email string) error {
	_, err := h.cfg.SignInThrottle.Check(q.r.Context(), clientOf(q.r).IP, email)
	if e, ok := err.(*tenantry.Error); ok && e.RetryAfter > 0 {
		q.w.Header().Set("Retry-After", strconv.FormatInt(int64(e.RetryAfter.Seconds()), 10))
	}
	return err
}
