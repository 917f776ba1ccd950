package openai

import (
	"net/netip"
	"testing"
)

func TestPublicAddr(t *testing.T) {
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
		if got := publicAddr(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("publicAddr(%s) = %v, want %v", tt.addr, got, tt.want)
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
		err := publicOnly("tcp", tt.address, nil)
		if got := err != nil && refusedAddress(err); got != tt.refused {
			t.Errorf("publicOnly(%q) = %v, want refused %v", tt.address, err, tt.refused)
		}
	}
}
