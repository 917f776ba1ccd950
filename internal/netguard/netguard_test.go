package netguard

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
)

func TestPublic(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"127.0.0.1", false},
		{"127.0.0.2", false},
		{"::1", false},
		{"::ffff:127.0.0.1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"fd00::1", false},
		{"169.254.169.254", false},
		{"fe80::1", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"::", false},
		{"224.0.0.1", false},
		{"ff02::1", false},
		{"ff01::1", false},
	}
	for _, tt := range tests {
		if got := Public(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("Public(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	for _, tt := range []struct {
		address string
		refused bool
	}{
		{"8.8.8.8:443", false},
		{"127.0.0.1:443", true},
		{"[::1]:443", true},
		{"not an address", true},
	} {
		err := Control("tcp", tt.address, nil)
		if got := err != nil && IsRefused(err); got != tt.refused {
			t.Errorf("Control(%q) = %v, want refused %v", tt.address, err, tt.refused)
		}
	}
}

// TestNewClient dials a loopback server: the public client refuses it at
// connection time, the other reaches it; neither follows a redirect.
func TestNewClient(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	defer srv.Close()
	tests := []struct {
		public  bool
		refused bool
	}{{true, true}, {false, false}}
	for _, tt := range tests {
		hits.Store(0)
		res, err := NewClient(tt.public).Get(srv.URL)
		if got := IsRefused(err); got != tt.refused {
			t.Errorf("public=%v: err %v, want refused %v", tt.public, err, tt.refused)
		}
		if err == nil {
			res.Body.Close()
			if res.StatusCode != http.StatusFound || hits.Load() != 1 {
				t.Errorf("public=%v: status %d after %d requests, want the redirect itself after 1", tt.public, res.StatusCode, hits.Load())
			}
		} else if hits.Load() != 0 {
			t.Errorf("public=%v: refused, yet the server got %d requests", tt.public, hits.Load())
		}
	}
}
