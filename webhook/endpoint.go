package webhook

import (
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tenantry/tenantry/internal/netguard"
)

// Bounds of an endpoint's registration.
const (
	maxURLLength  = 2048
	maxEventTypes = 50
	maxTypeLength = 100
	// AllEvents, alone in Events, subscribes to every event type.
	AllEvents = "*"
)

// eventType is the shape of an event type: dotted lower-case words,
// "project.created", "member.role_changed".
var eventType = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// parseURL checks an endpoint URL typed by a tenant and returns it in the
// form stored, or the reason it is refused. allowed reports whether the
// operator allowed a URL's origin: such an origin may be http and on any
// address. Any other URL must be https, with no user, fragment, localhost
// name, single-label name or IP literal that is not public (a name that
// resolves to such an address is refused when dialled).
func parseURL(raw string, allowed func(*url.URL) bool) (string, string) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return "", "required"
	case len(raw) > maxURLLength:
		return "", "must be at most 2048 characters"
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		return "", "must be an absolute http or https URL"
	}
	if u.User != nil || u.Fragment != "" || u.RawFragment != "" {
		return "", "must have no user or fragment"
	}
	if _, ok := netguard.Origin(u); !ok {
		return "", "must be an absolute http or https URL"
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if allowed(u) {
		return u.String(), ""
	}
	if u.Scheme != "https" {
		return "", "must be https (http only on an origin the operator allows)"
	}
	host := strings.TrimSuffix(u.Hostname(), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		if !netguard.Public(ip) {
			return "", "must not be a loopback, private, link-local, unspecified or multicast address"
		}
		return u.String(), ""
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || !strings.Contains(host, ".") {
		return "", "must be a public host name"
	}
	return u.String(), ""
}

// parseEvents checks the event types of a registration and returns them
// sorted without repeats, or the reason they are refused.
func parseEvents(types []string) ([]string, string) {
	if len(types) == 0 {
		return nil, "required: event types, or \"*\" for all"
	}
	if len(types) > maxEventTypes {
		return nil, "at most 50 event types"
	}
	var out []string
	for _, t := range types {
		t = strings.TrimSpace(t)
		if t != AllEvents && (len(t) > maxTypeLength || !eventType.MatchString(t)) {
			return nil, "an event type is dotted lower-case words, such as project.created, or \"*\""
		}
		out = append(out, t)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 1 && slices.Contains(out, AllEvents) {
		return nil, "\"*\" stands alone"
	}
	return out, ""
}

// wants reports whether an endpoint subscribed to types wants an event of
// type t.
func wants(types []string, t string) bool {
	return slices.Equal(types, []string{AllEvents}) || slices.Contains(types, t)
}
