package events_test

import (
	"strconv"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/events"
)

func TestParseLastEventID(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true},
		{"0", 0, true},
		{"42", 42, true},
		{"0042", 42, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"9223372036854775808", 0, false},
		{"99999999999999999999", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1.0", 0, false},
		{"1e3", 0, false},
		{"abc", 0, false},
		{"١", 0, false},
	}
	for _, tt := range tests {
		got, err := events.ParseLastEventID(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseLastEventID(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && tenantry.ErrorCode(err) != tenantry.EINVALID {
			t.Errorf("ParseLastEventID(%q): code %q, want validation_failed", tt.in, tenantry.ErrorCode(err))
		}
	}
}

func FuzzParseLastEventID(f *testing.F) {
	for _, s := range []string{"", "0", "17", "-3", "9223372036854775807", "1 ", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := events.ParseLastEventID(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseLastEventID(%q) = %d < 0", s, n)
		}
		if s != "" {
			if m, err := strconv.ParseInt(s, 10, 64); err != nil || m != n {
				t.Fatalf("ParseLastEventID(%q) = %d, strconv says %d, %v", s, n, m, err)
			}
		}
	})
}
