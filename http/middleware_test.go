package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
)

func TestRequestID(t *testing.T) {
	e := newSQLiteEnv(t)
	tests := []struct {
		name, sent string
		echoed     bool
	}{
		{"sane", "abc-123_x.y:z", true},
		{"none", "", false},
		{"too long", strings.Repeat("a", 200), false},
		{"bad chars", "a b<script>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.URL+"/healthz", nil)
			if tt.sent != "" {
				req.Header.Set(HeaderRequestID, tt.sent)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			got := res.Header.Get(HeaderRequestID)
			if got == "" {
				t.Fatal("no X-Request-ID")
			}
			if (got == tt.sent) != tt.echoed {
				t.Fatalf("got %q for %q, echoed want %v", got, tt.sent, tt.echoed)
			}
		})
	}
}

func TestPanicRecovery(t *testing.T) {
	var logs bytes.Buffer
	e := newSQLiteEnv(t)
	s := NewServer(Config{Store: e.Store, Auth: e.Auth, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	defer s.Close()
	s.mux.Handle("GET /boom", s.publicRoute(func(w http.ResponseWriter, r *http.Request) error { panic("boom") }))
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if got := (resp{Body: rec.Body.Bytes()}).errCode(); rec.Code != 500 || got != tenantry.EINTERNAL {
		t.Fatalf("got %d %q, want 500 internal", rec.Code, got)
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("panic value leaked: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), `"msg":"panic"`) || !strings.Contains(logs.String(), `"route":"GET /boom"`) {
		t.Fatalf("logs lack panic or access line: %s", logs.String())
	}
}

func TestClientGoneIsNotAServerError(t *testing.T) {
	var logs bytes.Buffer
	e := newSQLiteEnv(t)
	s := NewServer(Config{Store: e.Store, Auth: e.Auth, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	s.mux.Handle("GET /slow", s.publicRoute(func(w http.ResponseWriter, r *http.Request) error {
		cancel() // the client hangs up while the store works
		<-r.Context().Done()
		return fmt.Errorf("query: %w", r.Context().Err())
	}))
	s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil).WithContext(ctx))
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("want one access log line: %v: %s", err, logs.String())
	}
	if got, want := line["status"], float64(StatusClientClosedRequest); got != want {
		t.Errorf("logged status: got %v, want %v", got, want)
	}
	if got, want := line["level"], "INFO"; got != want {
		t.Errorf("log level: got %v, want %v", got, want)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if want := `tenantry_http_requests_total{route="GET /slow",status="499"} 1`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("metrics lack %s:\n%s", want, rec.Body)
	}
}

func TestAccessLog(t *testing.T) {
	var logs bytes.Buffer
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "logged", "free")
	s := NewServer(Config{Store: e.Store, Auth: e.Auth, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	defer s.Close()
	req := httptest.NewRequest("GET", "/api/projects", nil)
	req.Header.Set("Authorization", "Bearer "+f.Owner.Token)
	req.Header.Set(HeaderTenant, "logged")
	req.Header.Set(HeaderRequestID, "rid-1")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("log line: %v: %s", err, logs.String())
	}
	want := map[string]any{"request_id": "rid-1", "tenant_id": f.Tenant.ID, "user_id": f.Owner.UserID,
		"route": "GET /api/projects", "status": float64(200)}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s: got %v, want %v", k, line[k], v)
		}
	}
	if _, ok := line["duration"]; !ok {
		t.Error("log has no duration")
	}
}

func TestBodies(t *testing.T) {
	e := newSQLiteEnv(t)
	f := e.newFixture(t, "bodies", "free")
	big := `{"name":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"not json type", rawBody{Data: "name=x", ContentType: "application/x-www-form-urlencoded"}, 415, tenantry.EUNSUPPORTEDMEDIA},
		{"text plain", rawBody{Data: `{"name":"x"}`, ContentType: "text/plain"}, 415, tenantry.EUNSUPPORTEDMEDIA},
		{"malformed", rawBody{Data: `{"name":`}, 400, tenantry.EBADREQUEST},
		{"array", rawBody{Data: `[]`}, 400, tenantry.EBADREQUEST},
		{"two objects", rawBody{Data: `{"name":"a"}{"name":"b"}`}, 400, tenantry.EBADREQUEST},
		{"unknown field", rawBody{Data: `{"name":"a","nope":1}`}, 422, tenantry.EINVALID},
		{"too large", rawBody{Data: big}, 413, tenantry.ETOOLARGE},
		{"charset ok", rawBody{Data: `{"name":"ok"}`, ContentType: "application/json; charset=utf-8"}, 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, f.Owner, "POST", "/api/projects", tt.body)
			if r.Status != tt.status || r.errCode() != tt.code {
				t.Fatalf("got %d %s, want %d %s", r.Status, r.errCode(), tt.status, tt.code)
			}
		})
	}
	if fs := e.do(t, f.Owner, "POST", "/api/projects", rawBody{Data: `{"name":"a","nope":1}`}).errFields(); fs["nope"] != "unknown field" {
		t.Fatalf("fields: got %v, want nope: unknown field", fs)
	}
	// A POST that needs no body needs no Content-Type.
	adm := e.admin(t)
	e.must(t, adm, "POST", "/api/admin/tenants/bodies/suspend", nil, 200, nil)
}

func TestCORS(t *testing.T) {
	e := newSQLiteEnv(t, func(c *Config) { c.CORSOrigins = []string{"https://global.example"} })
	f := e.newFixture(t, "corsy", "free")
	e.must(t, f.Owner, "PATCH", "/api/settings", map[string]any{"cors_origins": []string{"https://corsy.example"}}, 200, nil)
	tests := []struct {
		name, origin, path string
		allowed            bool
	}{
		{"global origin", "https://global.example", "/api/auth/login", true},
		{"tenant origin on tenant route", "https://corsy.example", "/t/corsy/api/projects", true},
		{"tenant origin on other path", "https://corsy.example", "/api/auth/login", false},
		{"unknown origin", "https://evil.example", "/t/corsy/api/projects", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("OPTIONS", e.URL+tt.path, nil)
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			got := res.Header.Get("Access-Control-Allow-Origin")
			if res.StatusCode != 204 || (got == tt.origin) != tt.allowed {
				t.Fatalf("got %d allow-origin %q, want 204 allowed=%v", res.StatusCode, got, tt.allowed)
			}
			if tt.allowed && !strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "X-Tenant-ID") {
				t.Fatalf("allow-headers: %q", res.Header.Get("Access-Control-Allow-Headers"))
			}
		})
	}
}

func TestHealth(t *testing.T) {
	e := newSQLiteEnv(t)
	e.must(t, caller{}, "GET", "/healthz", nil, 200, nil)
	e.must(t, caller{}, "GET", "/readyz", nil, 200, nil)
	r := e.must(t, caller{}, "GET", "/metrics", nil, 200, nil)
	if !bytes.Contains(r.Body, []byte(`tenantry_http_requests_total{route="GET /readyz",status="200"} 1`)) {
		t.Fatalf("metrics lack the readyz request:\n%s", r.Body)
	}
	e.store(t).Close()
	r = e.do(t, caller{}, "GET", "/readyz", nil)
	if r.Status != 503 || r.errCode() != tenantry.EUNAVAILABLE {
		t.Fatalf("readyz on a closed store: got %d %s, want 503 unavailable", r.Status, r.Body)
	}
}

// store returns the env's store.
func (e *testEnv) store(tb testing.TB) tenantry.Store { return e.Store }

func TestErrorTable(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	Error(rec, req, &tenantry.Error{Code: tenantry.ERATELIMITED, Message: "slow", RetryAfter: 1500e6})
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("got %d Retry-After %q, want 429 2", rec.Code, rec.Header().Get("Retry-After"))
	}
	rec = httptest.NewRecorder()
	Error(rec, req, fmt.Errorf("list projects: %w", context.DeadlineExceeded))
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "1" || strings.Contains(rec.Body.String(), "deadline") {
		t.Fatalf("request past its deadline: got %d Retry-After %q %s, want 503, Retry-After 1, no internals",
			rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	rec = httptest.NewRecorder()
	Error(rec, req, errors.New("disk on fire"))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"Internal error."`) || strings.Contains(rec.Body.String(), "fire") {
		t.Fatalf("got %d %s, want 500 Internal error.", rec.Code, rec.Body)
	}
}

func TestCanonicalHeaderNames(t *testing.T) {
	tests := []struct{ documented, got string }{
		{HeaderRequestID, hdrRequestID},
		{HeaderTenant, hdrTenant},
		{"RateLimit-Limit", hdrRateLimitLimit},
		{"RateLimit-Remaining", hdrRateLimitRemaining},
		{"RateLimit-Reset", hdrRateLimitReset},
		{"WWW-Authenticate", hdrWWWAuthenticate},
	}
	for _, tt := range tests {
		if want := http.CanonicalHeaderKey(tt.documented); tt.got != want {
			t.Errorf("header %s: got %q, want the canonical %q", tt.documented, tt.got, want)
		}
	}
}
