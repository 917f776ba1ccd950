package openai

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// addressRefusedError is the dial error of an address that is not public.
type addressRefusedError struct{ addr string }

func (e *addressRefusedError) Error() string {
	return "openai: address " + e.addr + " is not public"
}

// refusedAddress reports whether err is a refused dial.
func refusedAddress(err error) bool {
	var e *addressRefusedError
	return errors.As(err, &e)
}

// publicAddr reports whether ip is an address a tenant's origin may reach:
// not loopback, private, link-local, unspecified or multicast, nor in
// 0.0.0.0/8 (which Linux connects to the local host).
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() &&
		!ip.IsLinkLocalMulticast() && !ip.IsInterfaceLocalMulticast() && !ip.IsMulticast() &&
		!ip.IsUnspecified() && !(ip.Is4() && ip.As4()[0] == 0)
}

// publicOnly is a net.Dialer Control function that refuses every address
// publicAddr refuses. It sees the address after name resolution, so a
// host name that resolves (or later rebinds) to a private address is
// refused too.
func publicOnly(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !publicAddr(ap.Addr()) {
		return &addressRefusedError{addr: address}
	}
	return nil
}

// NewHTTPClient returns an HTTP client for the provider. When public is
// true its dialer refuses loopback, private, link-local, unspecified and
// multicast addresses at connection time, and it connects directly rather
// than through a proxy of the environment (whose address the check would
// see instead of the upstream's); otherwise it is http.DefaultTransport's
// configuration. Clients made by New follow no redirect whatever client
// they are given.
func NewHTTPClient(public bool) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	if public {
		d.Control = publicOnly
		t.Proxy = nil
	}
	t.DialContext = d.DialContext
	return &http.Client{Transport: t, CheckRedirect: noRedirect}
}

// noRedirect makes an http.Client return a redirect answer as it is.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
