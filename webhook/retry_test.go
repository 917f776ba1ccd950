package webhook

import (
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	s, err := New(Config{Secret: []byte("server-secret-server-secret-0123")})
	if err != nil {
		t.Fatal(err)
	}
	if s.maxAttempts() != 5 {
		t.Errorf("maxAttempts() = %d, want 5 by default", s.maxAttempts())
	}
	var total time.Duration
	for n, base := range DefaultRetries() {
		for range 100 {
			d, ok := s.retryAfter(n + 1)
			if !ok || d < base*8/10 || d >= base*12/10 {
				t.Fatalf("retryAfter(%d) = %v, %v; want within ±20%% of %v", n+1, d, ok, base)
			}
		}
		total += base
		if n > 0 && base != 4*DefaultRetries()[n-1] {
			t.Errorf("retry %d waits %v, want 4× the one before", n+1, base)
		}
	}
	if total < 55*time.Minute || total > 65*time.Minute {
		t.Errorf("the retries span %v, want about an hour", total)
	}
	for _, n := range []int{0, 5, 6} {
		if _, ok := s.retryAfter(n); ok {
			t.Errorf("retryAfter(%d): want no further attempt", n)
		}
	}
	once, _ := New(Config{Secret: []byte("server-secret-server-secret-0123"), Retries: []time.Duration{}, Jitter: -1})
	if _, ok := once.retryAfter(1); ok || once.maxAttempts() != 1 {
		t.Errorf("Retries empty: want one attempt only")
	}
}

// maxAttempts returns how many attempts a delivery gets.
func (s *Service) maxAttempts() int { return len(s.cfg.Retries) + 1 }
