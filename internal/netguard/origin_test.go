package netguard_test

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/netguard"
)

func TestParseOrigin(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"api.example.com", "https://api.example.com:443"},
		{" API.Example.com ", "https://api.example.com:443"},
		{"https://api.example.com", "https://api.example.com:443"},
		{"https://api.example.com/", "https://api.example.com:443"},
		{"http://api.example.com", "http://api.example.com:80"},
		{"HTTP://127.0.0.1:8000", "http://127.0.0.1:8000"},
		{"https://api.example.com:08443", "https://api.example.com:8443"},
		{"[::1]", "https://[::1]:443"},
		{"http://[::1]:8000", "http://[::1]:8000"},
		{"api.example.com:8443", ""},
		{"api.example.com/v1", ""},
		{"https://api.example.com/v1", ""},
		{"https://api.example.com?x=1", ""},
		{"https://api.example.com#f", ""},
		{"https://user@api.example.com", ""},
		{"https://api.example.com:0", ""},
		{"https://api.example.com:65536", ""},
		{"ftp://api.example.com", ""},
		{"https://", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := netguard.ParseOrigin(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseOrigin(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// FuzzParseOrigin checks that an accepted entry is canonical: it parses
// to itself, in lower case, with a port.
func FuzzParseOrigin(f *testing.F) {
	for _, s := range []string{"api.example.com", "http://127.0.0.1:8000", "https://[::1]:443/", "x:1", "https://a:b@c", "HTTP://A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := netguard.ParseOrigin(s)
		if err != nil {
			if o != "" {
				t.Fatalf("ParseOrigin(%q) = %q with error %v", s, o, err)
			}
			return
		}
		if again, err := netguard.ParseOrigin(o); err != nil || again != o {
			t.Fatalf("ParseOrigin(%q) = %q, which parses to %q, %v", s, o, again, err)
		}
		if o != strings.ToLower(o) || !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			t.Fatalf("ParseOrigin(%q) = %q, not a lower-case http(s) origin", s, o)
		}
	})
}
