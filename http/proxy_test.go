package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{" , ", nil, false},
		{"10.0.0.0/8", []string{"10.0.0.0/8"}, false},
		{"192.0.2.7, 2001:db8::/32 ,::1", []string{"192.0.2.7/32", "2001:db8::/32", "::1/128"}, false},
		{"10.1.2.3/8", []string{"10.0.0.0/8"}, false},
		{"::ffff:192.0.2.7", []string{"192.0.2.7/32"}, false},
		{"proxy.internal", nil, true},
		{"10.0.0.0/33", nil, true},
		{"192.0.2.7:80", nil, true},
		{"fe80::1%eth0", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseTrustedProxies(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseTrustedProxies(%q): got error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		var gotS []string
		for _, p := range got {
			gotS = append(gotS, p.String())
		}
		if fmt.Sprint(gotS) != fmt.Sprint(tt.want) {
			t.Errorf("ParseTrustedProxies(%q): got %v, want %v", tt.in, gotS, tt.want)
		}
	}
}

func TestForwardedClient(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.1, 2001:db8::1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		peer     string
		tls      bool
		xff, xfp []string
		want     tenantry.Client
	}{
		{"untrusted peer, no headers", "203.0.113.9:4000", false, nil, nil, tenantry.Client{IP: "203.0.113.9"}},
		{"untrusted peer: headers ignored", "203.0.113.9:4000", false, []string{"198.51.100.1"}, []string{"https"}, tenantry.Client{IP: "203.0.113.9"}},
		{"untrusted peer over TLS", "203.0.113.9:4000", true, nil, []string{"http"}, tenantry.Client{IP: "203.0.113.9", Secure: true}},
		{"trusted peer, one hop", "10.1.1.1:5000", false, []string{"198.51.100.1"}, []string{"https"}, tenantry.Client{IP: "198.51.100.1", Secure: true}},
		{"trusted peer, http", "10.1.1.1:5000", false, []string{"198.51.100.1"}, []string{"http"}, tenantry.Client{IP: "198.51.100.1"}},
		{"proto case and list", "10.1.1.1:5000", false, nil, []string{"http, HTTPS"}, tenantry.Client{IP: "10.1.1.1", Secure: true}},
		{"spoofed left part skipped", "10.1.1.1:5000", false, []string{"1.1.1.1, 198.51.100.1, 10.2.2.2"}, nil, tenantry.Client{IP: "198.51.100.1"}},
		{"several lines", "192.0.2.1:80", false, []string{"1.1.1.1", "198.51.100.7, 10.0.0.5"}, nil, tenantry.Client{IP: "198.51.100.7"}},
		{"all trusted: leftmost", "10.1.1.1:5000", false, []string{"10.9.9.9, 10.2.2.2"}, nil, tenantry.Client{IP: "10.9.9.9"}},
		{"garbage stops the walk", "10.1.1.1:5000", false, []string{"198.51.100.1, nonsense, 10.2.2.2"}, nil, tenantry.Client{IP: "10.2.2.2"}},
		{"garbage at the right", "10.1.1.1:5000", false, []string{"198.51.100.1, nonsense"}, nil, tenantry.Client{IP: "10.1.1.1"}},
		{"with ports and brackets", "[2001:db8::1]:443", false, []string{"[2001:db8::77]:1234, 198.51.100.1:80"}, nil, tenantry.Client{IP: "198.51.100.1"}},
		{"mapped peer", "[::ffff:10.1.1.1]:5000", false, []string{"2001:db8::77"}, nil, tenantry.Client{IP: "2001:db8::77"}},
		{"empty header", "10.1.1.1:5000", false, []string{" , "}, []string{""}, tenantry.Client{IP: "10.1.1.1"}},
		{"unparsable peer", "pipe", false, []string{"198.51.100.1"}, []string{"https"}, tenantry.Client{IP: "pipe"}},
	}
	for _, tt := range tests {
		got := forwardedClient(tt.peer, tt.tls, tt.xff, tt.xfp, trusted)
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// FuzzForwardedClient checks, for any headers, that an untrusted peer is
// its own client, and that a trusted peer's client is the peer or an
// address listed in X-Forwarded-For.
func FuzzForwardedClient(f *testing.F) {
	f.Add("10.1.1.1:5000", "198.51.100.1, 10.2.2.2", "https")
	f.Add("203.0.113.9:4000", "198.51.100.1", "https")
	f.Add("[2001:db8::1]:443", "[2001:db8::77]:1234,, nonsense", "http,https")
	f.Add("10.0.0.1:1", "", "")
	f.Add("pipe", "::ffff:1.2.3.4", "HTTPS")
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 2001:db8::1")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, peer, xff, xfp string) {
		got := forwardedClient(peer, false, []string{xff}, []string{xfp}, trusted)
		p, ok := parseHop(peer)
		if !ok {
			if got != (tenantry.Client{IP: peer}) {
				t.Fatalf("unparsable peer %q: got %+v", peer, got)
			}
			return
		}
		if !trusted.contains(p) {
			if got != (tenantry.Client{IP: p.String()}) {
				t.Fatalf("untrusted peer %q: got %+v, want the peer, not secure", peer, got)
			}
			return
		}
		if got.IP == p.String() {
			return
		}
		for _, e := range strings.Split(xff, ",") {
			if h, ok := parseHop(strings.TrimSpace(e)); ok && h.String() == got.IP {
				return
			}
		}
		t.Fatalf("client %s is neither the peer %s nor listed in %q", got.IP, p, xff)
	})
}

func TestSessionCookieBehindTrustedProxy(t *testing.T) {
	tests := []struct {
		name    string
		trusted string
		hdr     map[string]string
		want    string
		secure  bool
	}{
		{"trusted proxy, https", "127.0.0.0/8, ::1", map[string]string{"X-Forwarded-Proto": "https"}, "__Host-tenantry_csrf", true},
		{"trusted proxy, http", "127.0.0.0/8, ::1", map[string]string{"X-Forwarded-Proto": "http"}, "tenantry_csrf", false},
		{"untrusted peer, https", "192.0.2.0/24", map[string]string{"X-Forwarded-Proto": "https"}, "tenantry_csrf", false},
		{"no proxy trusted, https", "", map[string]string{"X-Forwarded-Proto": "https"}, "tenantry_csrf", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp, err := ParseTrustedProxies(tt.trusted)
			if err != nil {
				t.Fatal(err)
			}
			e := newPageEnv(t, func(c *Config) { c.TrustedProxies = tp })
			r := e.send(t, nil, "GET", "/login", nil, tt.hdr)
			if r.Status != http.StatusOK {
				t.Fatalf("GET /login: got status %d, want 200", r.Status)
			}
			cookies := r.Header.Values("Set-Cookie")
			if len(cookies) != 1 {
				t.Fatalf("got Set-Cookie %q, want one cookie", cookies)
			}
			c, err := http.ParseSetCookie(cookies[0])
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != tt.want || c.Secure != tt.secure {
				t.Errorf("got cookie %s (Secure %v), want %s (Secure %v)", c.Name, c.Secure, tt.want, tt.secure)
			}
		})
	}
}

func TestSignInLimitsCountTheForwardedClient(t *testing.T) {
	tests := []struct {
		name    string
		trusted string
		// rotate is whether the 20 attempts each claim another address.
		rotate bool
		// next is the X-Forwarded-For of the 21st attempt.
		next string
		want int
	}{
		// An untrusted peer cannot dodge the per-address budget by
		// claiming new addresses: every attempt counts against it.
		{"untrusted, rotating addresses", "192.0.2.0/24", true, "203.0.113.250", http.StatusTooManyRequests},
		// Behind a trusted proxy each client has its own budget...
		{"trusted, same client", "127.0.0.0/8, ::1", false, "203.0.113.1", http.StatusTooManyRequests},
		// ...and another client is not refused for it.
		{"trusted, another client", "127.0.0.0/8, ::1", false, "203.0.113.2", http.StatusUnauthorized},
		{"trusted, rotating addresses", "127.0.0.0/8, ::1", true, "203.0.113.250", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp, err := ParseTrustedProxies(tt.trusted)
			if err != nil {
				t.Fatal(err)
			}
			e := newPageEnv(t, func(c *Config) { c.TrustedProxies = tp })
			for i := range 20 {
				xff := "203.0.113.1"
				if tt.rotate {
					xff = fmt.Sprintf("203.0.113.%d", 10+i)
				}
				// A fresh e-mail each time: only the address budget counts.
				if got := e.apiLogin(t, fmt.Sprintf("u%d@example.com", i), map[string]string{"X-Forwarded-For": xff}); got != http.StatusUnauthorized {
					t.Fatalf("attempt %d: got status %d, want 401", i+1, got)
				}
			}
			if got := e.apiLogin(t, "last@example.com", map[string]string{"X-Forwarded-For": tt.next}); got != tt.want {
				t.Errorf("21st attempt from %s: got status %d, want %d", tt.next, got, tt.want)
			}
		})
	}
}

func TestAccessLogClientIP(t *testing.T) {
	tests := []struct {
		name    string
		trusted string
		want    string
	}{
		// httptest.NewRequest's peer is 192.0.2.1.
		{"untrusted peer", "", "192.0.2.1"},
		{"trusted peer", "192.0.2.0/24", "203.0.113.5"},
	}
	e := newSQLiteEnv(t)
	for _, tt := range tests {
		tp, err := ParseTrustedProxies(tt.trusted)
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		s := NewServer(Config{Store: e.Store, Auth: e.Auth, TrustedProxies: tp, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.5")
		s.Handler().ServeHTTP(httptest.NewRecorder(), req)
		s.Close()
		var line map[string]any
		if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
			t.Fatalf("%s: want one access log line: %v: %s", tt.name, err, logs.String())
		}
		if got := line["client_ip"]; got != tt.want {
			t.Errorf("%s: logged client_ip %v, want %s", tt.name, got, tt.want)
		}
	}
}
