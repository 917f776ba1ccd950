package netguard

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
// https on port 443.
func ParseOrigin(s string) (string, error) {
	s = strings.TrimSpace(s)
	bare := !strings.Contains(s, "://")
	if bare {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("origin does not parse")
	}
	if bare && (u.Port() != "" || u.Path != "") {
		return "", errors.New("a bare host takes no port or path; write scheme://host:port")
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", errors.New("an origin has no path, query or fragment")
	}
	o, ok := Origin(u)
	if !ok {
		return "", errors.New("origin must be http or https with a host and a valid port")
	}
	return o, nil
}

// Origin returns u's "scheme://host:port", lower case, with the scheme's
// default port written out; false when u is not http or https with a
// host, has a user, or has a port out of range.
func Origin(u *url.URL) (string, bool) {
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
