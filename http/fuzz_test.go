package http

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tenantry/tenantry"
)

// FuzzResolveTenant checks that any host, X-Tenant-ID and path resolve to
// at most one tenant, which is registered and active, and never panic.
func FuzzResolveTenant(f *testing.F) {
	re := newResolveEnv(f)
	f.Add("acme.localhost:8080", "acme", "/t/acme/api/tenant")
	f.Add("ACME.LOCALHOST.", "", "/api/tenant")
	f.Add("acme.example.org", re.acme.ID, "/")
	f.Add("[::1]:80", "beta", "/t/beta/")
	f.Add("www.localhost", "sus", "/t//api")
	f.Add("a..b", "\x00", "/t/arc/x")
	registered := map[string]bool{re.acme.ID: true, re.beta.ID: true}
	f.Fuzz(func(t *testing.T, host, header, path string) {
		req := httptest.NewRequest("GET", "/", nil)
		req.Host = host
		req.Header.Set(HeaderTenant, header)
		info := &requestInfo{}
		if slug, _, ok := tenantry.SplitTenantPath(path); ok {
			info.pathSlug = slug
		}
		req = req.WithContext(contextWithInfo(req.Context(), info))
		tn, err := re.srv.resolveTenant(req, nil)
		if err != nil {
			if tn != nil {
				t.Fatalf("tenant %v with error %v", tn, err)
			}
			if code := tenantry.ErrorCode(err); ErrorStatus(code) >= 500 {
				t.Fatalf("server error %v", err)
			}
			return
		}
		if !registered[tn.ID] || tn.Status != tenantry.TenantActive {
			t.Fatalf("resolved %s (%s), not a registered active tenant", tn.Slug, tn.Status)
		}
	})
}

// FuzzDecode checks that decode never panics and answers only client
// errors for any body.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"a"}`, `{"name":1}`, `[]`, `{"x":1}`, `{"name":"a"}{}`, "", `{"settings":{"a":[1,{"b":null}]}}`, "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v struct {
			Name     string            `json:"name"`
			Active   *bool             `json:"is_active"`
			Settings tenantry.Settings `json:"settings"`
		}
		err := decodeBytes(b, &v)
		if err == nil {
			if !json.Valid(b) {
				t.Fatalf("accepted invalid JSON %q", b)
			}
			return
		}
		var e *tenantry.Error
		if code := tenantry.ErrorCode(err); code == tenantry.EINTERNAL || ErrorStatus(code) != http.StatusBadRequest && ErrorStatus(code) != http.StatusUnprocessableEntity {
			t.Fatalf("decode(%q): %v (%T %v)", b, err, err, e)
		}
	})
}
