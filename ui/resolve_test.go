package ui

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestPagesResolveAsTheAPI checks that the pages find their tenant with
// the API's resolver (tenantry.Resolver): the host and the /t/{slug}/
// prefix both count, two naming different tenants is tenant_conflict, and
// an unknown tenant gets the API's message.
func TestPagesResolveAsTheAPI(t *testing.T) {
	h, _ := newTestHandler(t, false)
	acme, err := h.cfg.Store.TenantBySlug(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host, path string
		status     int
		body       string // a text the page shows
	}{
		{"acme.localhost", "/login", http.StatusOK, "Acme"},
		{"localhost", "/t/acme/login", http.StatusOK, "Acme"},
		{"acme.localhost", "/t/acme/login", http.StatusOK, "Acme"},
		{"localhost", "/t/ACME/login", http.StatusOK, "Acme"},
		{"localhost", "/t/" + acme.ID + "/login", http.StatusOK, `action="/t/acme/login"`},
		{"acme.localhost", "/t/globex/login", http.StatusBadRequest, "The request names two different tenants."},
		{"localhost", "/t/nope/login", http.StatusNotFound, "No tenant matches the request."},
		{"nope.localhost", "/login", http.StatusNotFound, "No tenant matches the request."},
		{"www.localhost", "/login", http.StatusOK, "Sign in"},
	}
	for _, tt := range tests {
		res := hit(h, "GET", tt.host, tt.path, nil, nil)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != tt.status || !strings.Contains(string(b), tt.body) {
			t.Errorf("GET %s%s: got %d, want %d with %q\n%s", tt.host, tt.path, res.StatusCode, tt.status, tt.body, b)
		}
	}
}
