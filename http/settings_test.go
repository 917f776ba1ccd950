package http

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestSettings(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "pro")
	settings := func(want map[string]any) func(t *testing.T, r resp) {
		return func(t *testing.T, r resp) {
			var got map[string]any
			r.decode(t, &got)
			if len(got) != len(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			for k, v := range want {
				if gv, ok := got[k]; !ok || !jsonEqual(gv, v) {
					t.Errorf("got %s=%v, want %v", k, gv, v)
				}
			}
		}
	}
	e.run(t, []apiCase{
		{name: "empty", as: f.Member, method: "GET", path: "/api/settings", want: 200, check: settings(map[string]any{})},
		{name: "patch by member", as: f.Member, method: "PATCH", path: "/api/settings", body: map[string]any{"welcome": "hi"}, want: 403, code: "forbidden"},
		{name: "patch", as: f.Admin, method: "PATCH", path: "/api/settings", body: map[string]any{"welcome": "Hello", "custom": map[string]any{"color": "red", "font": "serif"}}, want: 200,
			check: settings(map[string]any{"welcome": "Hello", "custom": map[string]any{"color": "red", "font": "serif"}})},
		{name: "merge patch", as: f.Owner, method: "PATCH", path: "/api/settings", body: rawBody{Data: `{"welcome": null, "custom": {"font": null, "size": 12}}`}, want: 200,
			check: settings(map[string]any{"custom": map[string]any{"color": "red", "size": 12.0}})},
		{name: "read back", as: f.Member, method: "GET", path: "/api/settings", want: 200,
			check: settings(map[string]any{"custom": map[string]any{"color": "red", "size": 12.0}})},
		{name: "limit", as: f.Owner, method: "PATCH", path: "/api/settings", body: map[string]any{"requests_per_second": "fast"}, want: 422, code: "validation_failed", field: "requests_per_second"},
		{name: "unknown key", as: f.Owner, method: "PATCH", path: "/api/settings", body: map[string]any{"theme": "dark"}, want: 422, code: "validation_failed", field: "theme"},
		{name: "not an object", as: f.Owner, method: "PATCH", path: "/api/settings", body: rawBody{Data: `[1,2]`}, want: 400, code: "bad_request"},
		{name: "malformed", as: f.Owner, method: "PATCH", path: "/api/settings", body: rawBody{Data: `{"a":`}, want: 400, code: "bad_request"},
		{name: "too large", as: f.Owner, method: "PATCH", path: "/api/settings", body: rawBody{Data: `{"a":"` + strings.Repeat("x", 2<<20) + `"}`}, want: 413, code: "payload_too_large"},
		{name: "audited", as: f.Owner, method: "GET", path: "/api/audit?action=settings.update", want: 200, check: func(t *testing.T, r resp) {
			if items, _ := listOf[tenantry.AuditEvent](t, r); len(items) != 2 {
				t.Errorf("got %d settings.update events, want 2", len(items))
			}
		}},
	})
}

// jsonEqual compares two decoded JSON values.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !jsonEqual(x[k], y[k]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}
