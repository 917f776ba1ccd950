package http

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/tenantry/tenantry"
)

// TrustedProxies are the peer addresses (single IPs and CIDR prefixes) whose
// X-Forwarded-For and X-Forwarded-Proto headers the server believes. From
// any other peer both headers are ignored, so that a client cannot choose
// the address its rate limits count against or pretend it came over TLS.
type TrustedProxies []netip.Prefix

// ParseTrustedProxies parses a comma-separated list of IP addresses and
// CIDR prefixes ("10.0.0.0/8, 192.0.2.7, ::1"); blanks are skipped.
func ParseTrustedProxies(s string) (TrustedProxies, error) {
	var out TrustedProxies
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Contains(part, "/") {
			p, err := netip.ParsePrefix(part)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: want an IP address or CIDR prefix", part)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or CIDR prefix", part)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// contains reports whether a is one of the trusted proxies.
func (t TrustedProxies) contains(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// client works out where r comes from. The peer is the client unless it is
// a trusted proxy; then X-Forwarded-For is walked from the right and the
// first address that is not a trusted proxy is the client (the leftmost
// one when every address is trusted), and X-Forwarded-Proto: https makes
// the request secure. A request that reached this server over TLS is
// secure whatever the headers say.
func (t TrustedProxies) client(r *http.Request) tenantry.Client {
	return forwardedClient(r.RemoteAddr, r.TLS != nil, r.Header.Values("X-Forwarded-For"), r.Header.Values("X-Forwarded-Proto"), t)
}

// forwardedClient is TrustedProxies.client on the raw parts of a request:
// the peer address, whether it came over TLS, and the X-Forwarded-For and
// X-Forwarded-Proto header lines.
func forwardedClient(remoteAddr string, tls bool, xff, xfp []string, trusted TrustedProxies) tenantry.Client {
	peer, ok := parseHop(remoteAddr)
	if !ok {
		return tenantry.Client{IP: remoteAddr, Secure: tls}
	}
	c := tenantry.Client{IP: peer.String(), Secure: tls}
	if !trusted.contains(peer) {
		return c
	}
	if proto, ok := lastListValue(xfp); ok && strings.EqualFold(proto, "https") {
		c.Secure = true
	}
	if a, ok := forwardedFor(xff, trusted); ok {
		c.IP = a.String()
	}
	return c
}

// forwardedFor walks the X-Forwarded-For lines from the right and returns
// the first address that is not a trusted proxy, or the leftmost address
// when all are. It stops at an element that is not an address: what lies
// left of it was not written by a trusted proxy.
func forwardedFor(lines []string, trusted TrustedProxies) (netip.Addr, bool) {
	var last netip.Addr
	for i := len(lines) - 1; i >= 0; i-- {
		elems := strings.Split(lines[i], ",")
		for j := len(elems) - 1; j >= 0; j-- {
			e := strings.TrimSpace(elems[j])
			if e == "" {
				continue
			}
			a, ok := parseHop(e)
			if !ok {
				return last, last.IsValid()
			}
			if !trusted.contains(a) {
				return a, true
			}
			last = a
		}
	}
	return last, last.IsValid()
}

// parseHop parses one address of a peer or a forwarded list: an IP, with
// or without a port ("192.0.2.1", "192.0.2.1:443", "[2001:db8::1]:443",
// "2001:db8::1"). IPv4-mapped IPv6 addresses become IPv4; zones are dropped.
func parseHop(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// lastListValue returns the last non-blank element of comma-separated
// header lines: the one the nearest proxy wrote.
func lastListValue(lines []string) (string, bool) {
	for i := len(lines) - 1; i >= 0; i-- {
		elems := strings.Split(lines[i], ",")
		for j := len(elems) - 1; j >= 0; j-- {
			if e := strings.TrimSpace(elems[j]); e != "" {
				return e, true
			}
		}
	}
	return "", false
}

// clientOf returns the client the middleware worked out for r; outside the
// middleware, the peer with no proxy trusted.
func clientOf(r *http.Request) tenantry.Client {
	if c, ok := tenantry.ClientFromContext(r.Context()); ok {
		return c
	}
	return TrustedProxies(nil).client(r)
}
