package auth_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/inmem"
)

// failingLimiter is a RateLimiter that always fails.
type failingLimiter struct{}

func (failingLimiter) Allow(context.Context, string, tenantry.Rate) (tenantry.RateResult, error) {
	return tenantry.RateResult{}, errors.New("limiter down")
}

func TestSignInThrottle(t *testing.T) {
	type attempt struct {
		ip, email string
		// wantScope is the budget that refuses it ("" admits it).
		wantScope string
	}
	repeat := func(n int, a attempt) []attempt {
		out := make([]attempt, n)
		for i := range out {
			out[i] = a
		}
		return out
	}
	perIP := &tenantry.Rate{Events: 4, Per: time.Minute, Burst: 4}
	perEmail := &tenantry.Rate{Events: 2, Per: time.Minute, Burst: 2}
	tests := []struct {
		name     string
		limiter  tenantry.RateLimiter
		attempts []attempt
	}{
		{"per e-mail, normalized", nil, []attempt{
			{"192.0.2.1", "ann@example.com", ""},
			{"192.0.2.2", " ANN@Example.com ", ""},
			{"192.0.2.3", "ann@example.com", auth.ThrottleScopeEmail},
			{"192.0.2.3", "bob@example.com", ""},
		}},
		{"per address", nil, append(
			[]attempt{{"192.0.2.1", "a@example.com", ""}, {"192.0.2.1", "b@example.com", ""}, {"192.0.2.1", "c@example.com", ""}, {"192.0.2.1", "", ""}},
			attempt{"192.0.2.1", "d@example.com", auth.ThrottleScopeIP},
			attempt{"192.0.2.9", "d@example.com", ""},
		)},
		{"a failing limiter admits", failingLimiter{}, repeat(10, attempt{"192.0.2.1", "ann@example.com", ""})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := tt.limiter
			if lim == nil {
				frozen := time.Now()
				lim = inmem.NewRateLimiter(inmem.RateLimiterOptions{Now: func() time.Time { return frozen }})
			}
			th := auth.NewSignInThrottle(lim, auth.ThrottleConfig{PerIP: perIP, PerEmail: perEmail})
			for i, a := range tt.attempts {
				scope, err := th.Check(context.Background(), a.ip, a.email)
				if scope != a.wantScope {
					t.Fatalf("attempt %d (%s, %q): got scope %q, want %q", i+1, a.ip, a.email, scope, a.wantScope)
				}
				if a.wantScope == "" {
					if err != nil {
						t.Fatalf("attempt %d: got %v, want nil", i+1, err)
					}
					continue
				}
				var e *tenantry.Error
				if !errors.As(err, &e) || e.Code != tenantry.ERATELIMITED {
					t.Fatalf("attempt %d: got %v, want rate_limited", i+1, err)
				}
				if e.RetryAfter < time.Second || e.RetryAfter > time.Minute || e.RetryAfter%time.Second != 0 {
					t.Errorf("attempt %d: got RetryAfter %v, want whole seconds in 1s..1m", i+1, e.RetryAfter)
				}
				if want := "Too many attempts; try again in " + fmt.Sprint(int(e.RetryAfter.Seconds())) + " seconds."; e.Message != want {
					t.Errorf("attempt %d: got message %q, want %q", i+1, e.Message, want)
				}
			}
		})
	}
}

func TestNilSignInThrottleAdmits(t *testing.T) {
	for _, th := range []*auth.SignInThrottle{nil, auth.NewSignInThrottle(nil, auth.ThrottleConfig{})} {
		for i := range 30 {
			if scope, err := th.Check(context.Background(), "192.0.2.1", "ann@example.com"); scope != "" || err != nil {
				t.Fatalf("attempt %d: got (%q, %v), want (\"\", nil)", i+1, scope, err)
			}
		}
	}
}
