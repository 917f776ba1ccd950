package main

import (
	"os"
	"testing"
)

func TestParseKiB(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"   12345 kB", 12345},
		{"\t0 kB", 0},
		{"junk", 0},
	}
	for _, tt := range tests {
		if got := parseKiB(tt.in); got != tt.want {
			t.Errorf("parseKiB(%q): got %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestReadProcStatusSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	ps := readProcStatus(os.Getpid())
	if ps == nil || ps.VmHWMKiB <= 0 || ps.VmRSSKiB <= 0 || ps.VmRSSKiB > ps.VmHWMKiB {
		t.Errorf("got %+v, want positive VmRSS <= VmHWM", ps)
	}
	if got := readProcStatus(-5); got != nil {
		t.Errorf("readProcStatus(-5): got %+v, want nil", got)
	}
}
