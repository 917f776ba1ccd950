package ui_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestStaticMalformedPaths checks that malformed paths under /static/
// answer 404, never 500.
func TestStaticMalformedPaths(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{
		"/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
		"/static/%c0%ae%c0%ae/",
		"/static/%ff",
		"/static/%ff/app.css",
		"/static/app.css%00",
		"/static/%00",
		"/static/a%5c..%5capp.css",
		"/static/..%2f..%2fetc/passwd",
		"/static/%2e%2e/%2e%2e/",
		"/static//app.css",
		"/static/app.css/",
		"/static/nope.js",
		"/static/app.css%0a",
		"/static/ap%e2%82p.css",
	} {
		t.Run(p, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "http://localhost"+p, nil)
			w := httptest.NewRecorder()
			e.Handler.ServeHTTP(w, req)
			if got := w.Code; got != http.StatusNotFound {
				t.Errorf("GET %s: got status %d, want 404", p, got)
			}
		})
	}
}
