package webhook

import (
	"math/rand/v2"
	"time"
)

// retryAfter returns the wait before attempt n+1 of a delivery whose
// attempt n failed (n from 1), jittered; false when n was the last.
func (s *Service) retryAfter(n int) (time.Duration, bool) {
	if n < 1 || n > len(s.cfg.Retries) {
		return 0, false
	}
	d := s.cfg.Retries[n-1]
	if j := s.cfg.Jitter; j > 0 {
		d = time.Duration(float64(d) * (1 - j + 2*j*rand.Float64()))
	}
	return d, true
}
