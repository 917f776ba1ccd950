package webhook

import (
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/netguard"
)

// allowLocal allows the origin http://127.0.0.1:9000 only.
func allowLocal(u *url.URL) bool {
	o, ok := netguard.Origin(u)
	return ok && o == "http://127.0.0.1:9000"
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://hooks.example.com/tenantry", "https://hooks.example.com/tenantry"},
		{" HTTPS://Hooks.Example.com:8443/a?b=c ", "https://hooks.example.com:8443/a?b=c"},
		{"https://8.8.8.8/hook", "https://8.8.8.8/hook"},
		{"http://127.0.0.1:9000/hook", "http://127.0.0.1:9000/hook"},
		{"http://127.0.0.1:9001/hook", ""},
		{"https://127.0.0.1:9000/hook", ""},
		{"http://hooks.example.com/x", ""},
		{"https://10.0.0.8/x", ""},
		{"https://[::1]/x", ""},
		{"https://[::ffff:127.0.0.1]/x", ""},
		{"https://169.254.169.254/latest/meta-data", ""},
		{"https://0.0.0.0/x", ""},
		{"https://224.0.0.1/x", ""},
		{"https://localhost/x", ""},
		{"https://api.localhost/x", ""},
		{"https://localhost./x", ""},
		{"https://intranet/x", ""},
		{"https://user:pass@hooks.example.com/x", ""},
		{"https://hooks.example.com/x#frag", ""},
		{"ftp://hooks.example.com/x", ""},
		{"hooks.example.com/x", ""},
		{"https:///x", ""},
		{"https://hooks.example.com:99999/x", ""},
		{"", ""},
		{"https://hooks.example.com/" + strings.Repeat("a", maxURLLength), ""},
	}
	for _, tt := range tests {
		got, bad := parseURL(tt.in, allowLocal)
		if got != tt.want || (bad == "") != (tt.want != "") {
			t.Errorf("parseURL(%q) = %q, %q; want %q", tt.in, got, bad, tt.want)
		}
	}
}

func TestParseEvents(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"*"}, []string{"*"}},
		{[]string{"project.created", " member.removed ", "project.created"}, []string{"member.removed", "project.created"}},
		{[]string{"member.role_changed"}, []string{"member.role_changed"}},
		{[]string{"invoice.created", "*"}, nil},
		{[]string{"project"}, nil},
		{[]string{"Project.Created"}, nil},
		{[]string{"project.created.", ""}, nil},
		{[]string{"project.*"}, nil},
		{nil, nil},
		{slices.Repeat([]string{"a.b"}, maxEventTypes+1), nil},
	}
	for _, tt := range tests {
		got, bad := parseEvents(tt.in)
		if !slices.Equal(got, tt.want) || (bad == "") != (tt.want != nil) {
			t.Errorf("parseEvents(%q) = %q, %q; want %q", tt.in, got, bad, tt.want)
		}
	}
	for _, tt := range []struct {
		types []string
		typ   string
		want  bool
	}{
		{[]string{"*"}, "project.created", true},
		{[]string{"member.removed", "project.created"}, "project.created", true},
		{[]string{"member.removed"}, "project.created", false},
	} {
		if got := wants(tt.types, tt.typ); got != tt.want {
			t.Errorf("wants(%q, %q) = %v", tt.types, tt.typ, got)
		}
	}
}

// FuzzParseURL checks that an accepted URL is stored in a form that is
// accepted again unchanged, and is either on the allowed origin or https
// to a host that is not a non-public address or a local name.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://hooks.example.com/x", "http://127.0.0.1:9000/", "https://[::1]/", "https://a@b.c/", "https://10.0.0.1/", "https://x.localhost/", "HTTPS://A.B:443/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, bad := parseURL(s, allowLocal)
		if bad != "" {
			if got != "" {
				t.Fatalf("parseURL(%q) = %q with reason %q", s, got, bad)
			}
			return
		}
		if again, bad := parseURL(got, allowLocal); again != got || bad != "" {
			t.Fatalf("parseURL(%q) = %q, which parses to %q, %q", s, got, again, bad)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("accepted %q does not parse: %v", got, err)
		}
		if allowLocal(u) {
			return
		}
		host := strings.TrimSuffix(u.Hostname(), ".")
		if ip, err := netip.ParseAddr(host); u.Scheme != "https" || u.User != nil || (err == nil && !netguard.Public(ip)) || host == "localhost" || strings.HasSuffix(host, ".localhost") {
			t.Fatalf("parseURL(%q) accepted %q", s, got)
		}
	})
}

// FuzzParseEvents checks that accepted event types are sorted, unique and
// each "*" alone or dotted lower-case words.
func FuzzParseEvents(f *testing.F) {
	f.Add("project.created", "*")
	f.Add("member.removed", "member.removed")
	f.Add("a.b", " a.b")
	f.Fuzz(func(t *testing.T, a, b string) {
		got, bad := parseEvents([]string{a, b})
		if bad != "" {
			return
		}
		if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("parseEvents(%q, %q) = %q, not sorted and unique", a, b, got)
		}
		for _, typ := range got {
			if typ == AllEvents && len(got) != 1 || typ != AllEvents && !eventType.MatchString(typ) {
				t.Fatalf("parseEvents(%q, %q) = %q", a, b, got)
			}
		}
	})
}
