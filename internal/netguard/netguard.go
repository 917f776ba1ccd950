// Package netguard keeps the server's own outbound requests (an
// assistant's provider, a tenant's webhooks) off the machine itself and off
// its private networks: a dialer that refuses every address that is not
// public, checked when the connection is made (after name resolution, so a
// name that resolves or rebinds to a private address is refused too), HTTP
// clients that follow no redirect, and the canonical form of the origins an
// operator allows.
package netguard

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// RefusedError is the dial error of an address that is not public.
type RefusedError struct{ Address string }

func (e *RefusedError) Error() string {
	return "netguard: address " + e.Address + " is not public"
}

// IsRefused reports whether err is, or wraps, a refused dial.
func IsRefused(err error) bool {
	var e *RefusedError
	return errors.As(err, &e)
}

// Public reports whether ip is an address a tenant's URL may reach: not
// loopback, private, link-local, unspecified or multicast, nor in
// 0.0.0.0/8 (which Linux connects to the local host).
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() &&
		!ip.IsLinkLocalMulticast() && !ip.IsInterfaceLocalMulticast() && !ip.IsMulticast() &&
		!ip.IsUnspecified() && !(ip.Is4() && ip.As4()[0] == 0)
}

// Control is a net.Dialer Control function that refuses every address
// Public refuses. It sees the address after name resolution.
func Control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !Public(ap.Addr()) {
		return &RefusedError{Address: address}
	}
	return nil
}

// NewClient returns an HTTP client that follows no redirect (a redirect
// answer is returned as it is). When public is true its dialer refuses
// every address Public refuses, at connection time, and it connects
// directly rather than through a proxy of the environment (whose address
// the check would see instead of the target's); otherwise it is
// http.DefaultTransport's configuration.
func NewClient(public bool) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	if public {
		d.Control = Control
		t.Proxy = nil
	}
	t.DialContext = d.DialContext
	return &http.Client{Transport: t, CheckRedirect: NoRedirect}
}

// NoRedirect makes an http.Client return a redirect answer as it is.
func NoRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
