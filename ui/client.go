package ui

import (
	"net"
	"net/http"

	"github.com/tenantry/tenantry"
)

// clientOf returns where r comes from: the client the API server's
// middleware worked out (through its trusted proxies), or, when the pages
// are served without it, the peer itself and whether it used TLS.
func clientOf(r *http.Request) tenantry.Client {
	if c, ok := tenantry.ClientFromContext(r.Context()); ok {
		return c
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return tenantry.Client{IP: ip, Secure: r.TLS != nil}
}
