package ui_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestPagesRefuseNonText checks that form posts and query strings of the
// pages with NUL characters or invalid UTF-8 are refused (422 for a form
// field, 400 for a query parameter) and change nothing.
func TestPagesRefuseNonText(t *testing.T) {
	e := newEnv(t)
	ann := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	admin := newAdmin(t, e)
	tests := []struct {
		name string
		c    *client
		get  string
		path string
		form url.Values
		want int
	}{
		{name: "project name", c: ann, path: "/t/acme/projects", form: url.Values{"name": {"a\xffb"}}, want: http.StatusUnprocessableEntity},
		{name: "project description", c: ann, path: "/t/acme/projects", form: url.Values{"name": {"ok"}, "description": {"a\x00b"}}, want: http.StatusUnprocessableEntity},
		{name: "console tenant name", c: admin, path: "/admin/tenants", form: url.Values{"name": {"\xc0\xae"}, "slug": {"dots"}}, want: http.StatusUnprocessableEntity},
		{name: "login e-mail", c: e.newClient(t), path: "/login", form: url.Values{"email": {"a\x00@acme.test"}, "password": {testPassword}}, want: http.StatusUnprocessableEntity},
		{name: "projects q", c: ann, get: "/t/acme/projects?q=%ff", want: http.StatusBadRequest},
		{name: "audit action", c: ann, get: "/t/acme/audit?action=%00", want: http.StatusBadRequest},
		{name: "console search", c: admin, get: "/admin/?q=%c0%ae", want: http.StatusBadRequest},
		{name: "console domain under the base domain", c: admin, path: "/admin/tenants", form: url.Values{"name": {"Shadow"}, "slug": {"shadow"}, "domain": {"acme.localhost"}}, want: http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *response
			if tt.get != "" {
				r = tt.c.get(tt.get)
			} else {
				r = tt.c.post(tt.path, tt.form)
			}
			mustStatus(t, tt.name, r, tt.want)
		})
	}
	if ps := e.projects(t, "acme"); len(ps) != 0 {
		t.Errorf("projects after the refused posts: got %d, want 0", len(ps))
	}
	if _, err := e.Store.TenantBySlug(t.Context(), "shadow"); err == nil {
		t.Error("tenant shadow: created, want refused")
	}
}
