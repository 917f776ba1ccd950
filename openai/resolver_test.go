package openai_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/openai"
)

// recorder is an upstream that remembers the Authorization header of
// every request it received.
type recorder struct {
	mu    sync.Mutex
	auths []string
	srv   *httptest.Server
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.srv, _ = server(t, func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.auths = append(rec.auths, r.Header.Get("Authorization"))
		rec.mu.Unlock()
		status(200, okBody("ok"))(w, r)
	})
	return rec
}

// take returns the headers received since the last take.
func (rec *recorder) take() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	a := rec.auths
	rec.auths = nil
	return a
}

func TestResolver(t *testing.T) {
	rec := newRecorder(t)
	srv := rec.srv
	env := map[string]string{
		"TENANTRY_OPENAI_KEY_ACME": "sk-acme", "TENANTRY_OPENAI_KEY_BETA_CORP": "sk-beta",
		"DATABASE_URL": "postgres://secret",
	}
	r := openai.NewResolver(openai.Config{BaseURL: srv.URL, APIKey: "sk-global"}, func(k string) string { return env[k] })

	tests := []struct {
		name     string
		slug     string
		settings tenantry.Settings
		origins  []string
		code     string
		auth     string
	}{
		{"global", "acme", tenantry.Settings{}, nil, "", "Bearer sk-global"},
		{"own key", "acme", tenantry.Settings{"openai_api_key_env": "TENANTRY_OPENAI_KEY_ACME"}, nil, "", "Bearer sk-acme"},
		{"own key, hyphenated slug", "beta-corp", tenantry.Settings{"openai_api_key_env": "TENANTRY_OPENAI_KEY_BETA_CORP"}, nil, "", "Bearer sk-beta"},
		{"own url, no key: global key not sent", "acme", tenantry.Settings{"openai_base_url": srv.URL + "/v1"}, nil, "", ""},
		{"own url and key", "acme", tenantry.Settings{"openai_base_url": srv.URL, "openai_api_key_env": "TENANTRY_OPENAI_KEY_ACME"}, nil, "", "Bearer sk-acme"},
		{"other secret refused", "acme", tenantry.Settings{"openai_api_key_env": "DATABASE_URL"}, nil, tenantry.EUPSTREAM, ""},
		{"unset key", "nope", tenantry.Settings{"openai_api_key_env": "TENANTRY_OPENAI_KEY_NOPE"}, nil, tenantry.EUPSTREAM, ""},
		{"bad url", "acme", tenantry.Settings{"openai_base_url": "file:///etc/passwd"}, nil, tenantry.EUPSTREAM, ""},
		{"origin not allowed", "acme", tenantry.Settings{"openai_base_url": "http://169.254.169.254/v1"}, []string{srv.URL}, tenantry.EUPSTREAM, ""},
		{"origin allowed", "acme", tenantry.Settings{"openai_base_url": srv.URL}, []string{srv.URL}, "", ""},
		{"origin allowed, with a path", "acme", tenantry.Settings{"openai_base_url": srv.URL + "/v1"}, []string{"https://api.example.com", srv.URL + "/"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.AllowedOrigins = tt.origins
			p, err := r.Provider(&tenantry.Tenant{ID: tenantry.NewID(), Slug: tt.slug, Settings: tt.settings})
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			if err != nil {
				return
			}
			rec.take()
			if _, err := p.Chat(context.Background(), request()); err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(rec.take(), ","), tt.auth; got != want {
				t.Errorf("authorization = %q, want %q", got, want)
			}
		})
	}
}

// TestResolverKeyBoundToTenant checks that a key variable serves one tenant
// only: tenant beta naming acme's variable, with a base URL of its own, is
// refused, and acme's key never reaches beta's server.
func TestResolverKeyBoundToTenant(t *testing.T) {
	rec := newRecorder(t)
	env := map[string]string{"TENANTRY_OPENAI_KEY_ACME": "sk-acme", "TENANTRY_OPENAI_KEY_ACME_CORP": "sk-acme-corp", "TENANTRY_OPENAI_KEY_BETA": "sk-beta"}
	r := openai.NewResolver(openai.Config{BaseURL: "https://api.openai.com/v1"}, func(k string) string { return env[k] })
	r.AllowedOrigins = []string{rec.srv.URL}

	tests := []struct {
		name, slug, keyEnv string
	}{
		{"another tenant's variable", "beta", "TENANTRY_OPENAI_KEY_ACME"},
		{"a variable of a longer slug", "acme", "TENANTRY_OPENAI_KEY_ACME_CORP"},
		{"a shorter slug's variable", "acme-corp", "TENANTRY_OPENAI_KEY_ACME"},
		{"lower case", "acme", "TENANTRY_OPENAI_KEY_acme"},
		{"no slug", "", "TENANTRY_OPENAI_KEY_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := r.Provider(&tenantry.Tenant{ID: tenantry.NewID(), Slug: tt.slug, Settings: tenantry.Settings{
				"openai_base_url": rec.srv.URL, "openai_api_key_env": tt.keyEnv,
			}})
			if got, want := tenantry.ErrorCode(err), tenantry.EUPSTREAM; got != want {
				t.Errorf("code = %q, want %q (%v)", got, want, err)
			}
			if err == nil {
				p.Chat(context.Background(), request())
			}
			for _, got := range rec.take() {
				if got != "" {
					t.Errorf("tenant %q's server received authorization %q, want none", tt.slug, got)
				}
			}
		})
	}
}

// TestResolverOriginPort checks that the allow-list compares scheme, host
// and port, and that a bare host means https on port 443.
func TestResolverOriginPort(t *testing.T) {
	allowed, _ := server(t, status(200, okBody("ok")))
	other, hits := server(t, status(200, okBody("ok")))
	r := openai.NewResolver(openai.Config{BaseURL: "https://api.openai.com/v1"}, func(string) string { return "" })

	tests := []struct {
		name    string
		base    string
		origins []string
		code    string
	}{
		{"allowed origin", allowed.URL, []string{allowed.URL}, ""},
		{"another port of the allowed host", other.URL, []string{allowed.URL}, tenantry.EUPSTREAM},
		{"bare host is https only", other.URL, []string{"127.0.0.1"}, tenantry.EUPSTREAM},
		{"bare host is port 443 only", "https://api.example.com:8443/v1", []string{"api.example.com"}, tenantry.EUPSTREAM},
		{"bare host matches its https origin", "https://API.example.com/v1", []string{"api.example.com"}, ""},
		{"explicit default port", "https://api.example.com/v1", []string{"https://api.example.com:443"}, ""},
		{"scheme differs", "http://api.example.com/v1", []string{"https://api.example.com"}, tenantry.EUPSTREAM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.AllowedOrigins = tt.origins
			_, err := r.Provider(&tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme", Settings: tenantry.Settings{"openai_base_url": tt.base}})
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Errorf("code = %q, want %q (%v)", got, tt.code, err)
			}
		})
	}
	if got := hits.Load(); got != 0 {
		t.Errorf("server on another port received %d requests, want 0", got)
	}
}

// TestResolverRedirectNotFollowed checks that a 307 from an allowed origin
// to one that is refused when set directly is not followed.
func TestResolverRedirectNotFollowed(t *testing.T) {
	refused, hits := server(t, status(200, okBody("ok")))
	var attempts atomic.Int32
	allowed, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		http.Redirect(w, r, refused.URL+"/v1/chat/completions", http.StatusTemporaryRedirect)
	})
	env := map[string]string{"TENANTRY_OPENAI_KEY_ACME": "sk-acme"}
	r := openai.NewResolver(openai.Config{BaseURL: "https://api.openai.com/v1"}, func(k string) string { return env[k] })
	r.AllowedOrigins = []string{allowed.URL}

	tn := &tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme", Settings: tenantry.Settings{"openai_base_url": refused.URL}}
	if _, err := r.Provider(tn); tenantry.ErrorCode(err) != tenantry.EUPSTREAM {
		t.Fatalf("refused origin set directly: err = %v, want upstream_error", err)
	}
	tn.Settings = tenantry.Settings{"openai_base_url": allowed.URL, "openai_api_key_env": "TENANTRY_OPENAI_KEY_ACME"}
	p, err := r.Provider(tn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Chat(context.Background(), request())
	if got, want := tenantry.ErrorCode(err), tenantry.EUPSTREAM; got != want {
		t.Errorf("code = %q, want %q (%v)", got, want, err)
	}
	if got := hits.Load(); got != 0 {
		t.Errorf("redirect target received %d requests, want 0", got)
	}
	if got, want := attempts.Load(), int32(1); got != want {
		t.Errorf("attempts = %d, want %d (a redirect is not retried)", got, want)
	}
}

// TestResolverRefusesLoopbackAtDialTime checks that a base URL the operator
// did not allow, whose host resolves to a loopback address, is refused
// when the connection is made, while the operator's own origin on the same
// address works.
func TestResolverRefusesLoopbackAtDialTime(t *testing.T) {
	srv, hits := server(t, status(200, okBody("ok")))
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	r := openai.NewResolver(openai.Config{BaseURL: srv.URL, MaxRetries: -1}, func(string) string { return "" })

	tests := []struct {
		name string
		base string
		code string
	}{
		{"the operator's origin", srv.URL, ""},
		{"localhost, not allowed", "http://localhost:" + port, tenantry.EUPSTREAM},
		{"loopback alias, not allowed", "http://127.0.0.2:" + port, tenantry.EUPSTREAM},
		{"metadata address", "http://169.254.169.254:" + port, tenantry.EUPSTREAM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			p, err := r.Provider(&tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme", Settings: tenantry.Settings{"openai_base_url": tt.base}})
			if err != nil {
				t.Fatalf("Provider: %v, want the URL accepted (no allow-list)", err)
			}
			_, err = p.Chat(context.Background(), request())
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			if tt.code == "" {
				return
			}
			if !strings.Contains(err.Error(), "is not public") {
				t.Errorf("err = %v, want the address refused when dialling", err)
			}
			if hits.Load() != 0 {
				t.Errorf("server received %d requests, want 0", hits.Load())
			}
		})
	}
}
