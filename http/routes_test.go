package http

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestNoRouteMethodNotAllowed(t *testing.T) {
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "acme", "free")
	cases := []struct {
		name, method, path string
		wantStatus         int
		wantCode           string
		wantAllow          string
	}{
		{"put settings", "PUT", "/api/settings", 405, tenantry.EMETHODNOTALLOWED, "GET, HEAD, PATCH"},
		{"delete tenant", "DELETE", "/api/tenant", 405, tenantry.EMETHODNOTALLOWED, "GET, HEAD"},
		{"put project", "PUT", "/api/projects/" + tenantry.NewID(), 405, tenantry.EMETHODNOTALLOWED, "GET, HEAD, PATCH, DELETE"},
		{"get login", "GET", "/api/auth/login", 405, tenantry.EMETHODNOTALLOWED, "POST"},
		{"prefixed", "PUT", "/t/acme/api/settings", 405, tenantry.EMETHODNOTALLOWED, "GET, HEAD, PATCH"},
		{"unknown path", "GET", "/api/nope", 404, tenantry.ENOTFOUND, ""},
		{"unknown path post", "POST", "/api/projects/x/y", 404, tenantry.ENOTFOUND, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(t, f.Owner, c.method, c.path, nil)
			if got := r.Status; got != c.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", got, c.wantStatus, r.Body)
			}
			if got := r.errCode(); got != c.wantCode {
				t.Errorf("code = %q, want %q", got, c.wantCode)
			}
			if got := r.Header.Get("Allow"); got != c.wantAllow {
				t.Errorf("Allow = %q, want %q", got, c.wantAllow)
			}
		})
	}
}
