package http

import (
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// FuzzParseExpiresAt checks that the expires_at parser of new API keys
// never panics, refuses with validation_failed naming expires_at, and
// accepts only what RFC 3339 parsing accepts.
func FuzzParseExpiresAt(f *testing.F) {
	for _, s := range []string{"2030-01-02T03:04:05Z", "2030-01-02T03:04:05.123456789+02:00", "tomorrow", "", "2030-13-01T00:00:00Z", "2030-01-02"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseExpiresAt(&s)
		want, werr := time.Parse(time.RFC3339, s)
		if werr != nil {
			if tenantry.ErrorCode(err) != tenantry.EINVALID || got != nil {
				t.Fatalf("parseExpiresAt(%q) = %v, %v; want validation_failed", s, got, err)
			}
			return
		}
		if err != nil || got == nil || !got.Equal(want) {
			t.Fatalf("parseExpiresAt(%q) = %v, %v; want %v", s, got, err, want)
		}
	})
}

func TestParseExpiresAtNone(t *testing.T) {
	if got, err := parseExpiresAt(nil); got != nil || err != nil {
		t.Errorf("parseExpiresAt(nil) = %v, %v; want nil, nil", got, err)
	}
}
