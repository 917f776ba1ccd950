package tenantry

import "context"

// Client is where a request comes from, as the HTTP middleware works it out
// once per request: the peer, or, when the peer is a trusted proxy, the
// client the proxies forwarded. Rate limits and logs key on it.
type Client struct {
	// IP is the client's IP address; it is the peer address as sent when
	// that does not parse.
	IP string
	// Secure reports whether the client's request came over TLS, to this
	// server or to a trusted proxy (X-Forwarded-Proto: https).
	Secure bool
}

type clientKey struct{}

// NewContextWithClient returns a copy of ctx carrying the request's client.
func NewContextWithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// ClientFromContext returns the client in ctx and whether there is one.
func ClientFromContext(ctx context.Context) (Client, bool) {
	c, ok := ctx.Value(clientKey{}).(Client)
	return c, ok
}
