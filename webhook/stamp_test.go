package webhook

import (
	"testing"
	"time"
)

// TestStamp checks that stored times have one width and sort as text in
// time order, and read back.
func TestStamp(t *testing.T) {
	base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	times := []time.Time{base, base.Add(time.Microsecond), base.Add(time.Second), base.Add(1500 * time.Millisecond), base.Add(24 * time.Hour)}
	for i, tm := range times {
		s := stamp(tm)
		if len(s) != len("2026-12-01T08:00:00.000000Z") || !parseStamp(s).Equal(tm) {
			t.Errorf("stamp(%v) = %q, reads back %v", tm, s, parseStamp(s))
		}
		if i > 0 && !(stamp(times[i-1]) < s) {
			t.Errorf("%q does not sort before %q", stamp(times[i-1]), s)
		}
	}
	if !parseStamp("not a time").IsZero() {
		t.Error("a malformed time reads as the zero time")
	}
}
