package openai

import (
	"net/url"

	"github.com/tenantry/tenantry/internal/netguard"
)

// ParseOrigin returns the canonical form of an allow-list entry:
// "scheme://host:port", lower case, with the port always written (see
// netguard.ParseOrigin). A bare host name means https on port 443, so that
// a list of host names keeps meaning what it meant before origins.
func ParseOrigin(s string) (string, error) { return netguard.ParseOrigin(s) }

// BaseOrigin returns the origin of a base URL, and false when base is not
// a valid base URL.
func BaseOrigin(base string) (string, bool) {
	if !ValidBaseURL(base) {
		return "", false
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", false
	}
	return netguard.Origin(u)
}
