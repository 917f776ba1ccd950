package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestNoPage(t *testing.T) {
	e := newEnv(t)
	owner := e.signup(t, "ann@acme.test", "Ann", "Acme", "acme")
	anon := e.newClient(t)
	cases := []struct {
		name, method, path string
		as                 *client
		want               int
		allow              string
	}{
		// No CSRF token: a missing page is 404 before any form check.
		{"post to nowhere", http.MethodPost, "/nope", anon, http.StatusNotFound, ""},
		{"post to nowhere in a tenant", http.MethodPost, "/t/acme/nope/deeper", owner, http.StatusNotFound, ""},
		{"get of a post-only page", http.MethodGet, "/t/acme/members/invite", owner, http.StatusMethodNotAllowed, "POST"},
		{"put on the sign-in page", http.MethodPut, "/login", anon, http.StatusMethodNotAllowed, "GET, HEAD, POST"},
		{"unknown page", http.MethodGet, "/t/acme/nope", owner, http.StatusNotFound, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, e.Server.URL+tc.path, strings.NewReader(url.Values{"x": {"1"}}.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r := tc.as.do(req)
			if r.Status != tc.want {
				t.Fatalf("status = %d, want %d\n%s", r.Status, tc.want, r.Body)
			}
			if got := r.Header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow = %q, want %q", got, tc.allow)
			}
			if strings.Contains(r.Body, "Your form expired") {
				t.Errorf("answered with the CSRF refusal, want the missing-page answer")
			}
		})
	}
}
