package openai

import (
	"net/http"

	"github.com/tenantry/tenantry/internal/netguard"
)

// NewHTTPClient returns an HTTP client for the provider. When public is
// true its dialer refuses loopback, private, link-local, unspecified and
// multicast addresses at connection time, and it connects directly rather
// than through a proxy of the environment (netguard.NewClient); otherwise
// it is http.DefaultTransport's configuration. Clients made by New follow
// no redirect whatever client they are given.
func NewHTTPClient(public bool) *http.Client { return netguard.NewClient(public) }
