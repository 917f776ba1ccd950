package assistant

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestIDAfter(t *testing.T) {
	prev := tenantry.NewID()
	for i := 0; i < 1000; i++ {
		next := idAfter(prev)
		if next <= prev {
			t.Fatalf("idAfter(%q) = %q, want a greater id", prev, next)
		}
		if _, ok := tenantry.ParseID(next); !ok {
			t.Fatalf("idAfter = %q, not a UUID", next)
		}
		prev = next
	}
	// An id from the future (clock skew) still gets a successor.
	future := "ffffffff-ffff-7fff-bfff-fffffffffff0"
	if got, want := idAfter(future), "ffffffff-ffff-7fff-bfff-fffffffffff1"; got != want {
		t.Errorf("idAfter(future) = %q, want %q", got, want)
	}
	tests := []struct{ in, want string }{
		{"01a208dd-b313-7c9d-9532-cf19434fc7cf", "01a208dd-b313-7c9d-9532-cf19434fc7d0"},
		{"01a208dd-b313-7c9d-9532-cf19434fc7c9", "01a208dd-b313-7c9d-9532-cf19434fc7ca"},
	}
	for _, tt := range tests {
		if got, _ := increment(tt.in); got != tt.want {
			t.Errorf("increment(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
