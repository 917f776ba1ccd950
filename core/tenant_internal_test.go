package core

import "testing"

// TestEscapeLike checks that a client's text matches itself only in the
// Tenants search: LIKE's wildcards and escape character are escaped.
func TestEscapeLike(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", "abc"},
		{"50%", `50\%`},
		{"a_b", `a\_b`},
		{`a\b`, `a\\b`},
	}
	for _, tt := range tests {
		if got := escapeLike(tt.in); got != tt.want {
			t.Errorf("escapeLike(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
