package openai

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ParseOrigin returns the canonical form of an allow-list entry:
// "scheme://host:port", lower case, with the port always written. An entry
// is an origin (scheme://host[:port], http or https, with no path other
// than "/", no user, query or fragment) or a bare host name, which means
// https on port 443, so that a list of host names keeps meaning what it
// meant before origins.
func ParseOrigin(s string) (string, error) {
	s = strings.TrimSpace(s)
	bare := !strings.Contains(s, "://")
	if bare {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("openai: origin does not parse")
	}
	if bare && (u.Port() != "" || u.Path != "") {
		return "", errors.New("openai: a bare host takes no port or path; write scheme://host:port")
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", errors.New("openai: an origin has no path, query or fragment")
	}
	o, ok := origin(u)
	if !ok {
		return "", errors.New("openai: origin must be http or https with a host and a valid port")
	}
	return o, nil
}

// baseOrigin returns the origin of a base URL, and false when base is not
// a valid base URL.
func BaseOrigin(base string) (string, bool) {
	if !ValidBaseURL(base) {
		return "", false
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", false
	}
	return origin(u)
}

// origin returns u's "scheme://host:port" with the scheme's default port
// written out.
func origin(u *url.URL) (string, bool) {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if (scheme != "http" && scheme != "https") || host == "" || u.User != nil {
		return "", false
	}
	port := u.Port()
	switch {
	case port == "" && scheme == "http":
		port = "80"
	case port == "":
		port = "443"
	default:
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", false
		}
		port = strconv.Itoa(n)
	}
	return scheme + "://" + net.JoinHostPort(host, port), true
}
