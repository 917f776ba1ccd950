package openai_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/openai"
)

func TestResolver(t *testing.T) {
	var mu sync.Mutex
	var auth string
	srv, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = r.Header.Get("Authorization")
		mu.Unlock()
		status(200, okBody("ok"))(w, r)
	})
	env := map[string]string{"TENANTRY_OPENAI_KEY_ACME": "sk-acme", "DATABASE_URL": "postgres://secret"}
	r := openai.NewResolver(openai.Config{BaseURL: srv.URL, APIKey: "sk-global"}, func(k string) string { return env[k] })
	u, _ := url.Parse(srv.URL)

	tests := []struct {
		name     string
		settings tenantry.Settings
		hosts    []string
		code     string
		auth     string
	}{
		{"global", tenantry.Settings{}, nil, "", "Bearer sk-global"},
		{"own key", tenantry.Settings{"openai_api_key_env": "TENANTRY_OPENAI_KEY_ACME"}, nil, "", "Bearer sk-acme"},
		{"own url, no key: global key not sent", tenantry.Settings{"openai_base_url": srv.URL + "/v1"}, nil, "", ""},
		{"own url and key", tenantry.Settings{"openai_base_url": srv.URL, "openai_api_key_env": "TENANTRY_OPENAI_KEY_ACME"}, nil, "", "Bearer sk-acme"},
		{"other secret refused", tenantry.Settings{"openai_api_key_env": "DATABASE_URL"}, nil, tenantry.EUPSTREAM, ""},
		{"unset key", tenantry.Settings{"openai_api_key_env": "TENANTRY_OPENAI_KEY_NOPE"}, nil, tenantry.EUPSTREAM, ""},
		{"bad url", tenantry.Settings{"openai_base_url": "file:///etc/passwd"}, nil, tenantry.EUPSTREAM, ""},
		{"host not allowed", tenantry.Settings{"openai_base_url": "http://169.254.169.254/v1"}, []string{u.Hostname()}, tenantry.EUPSTREAM, ""},
		{"host allowed", tenantry.Settings{"openai_base_url": srv.URL}, []string{u.Hostname()}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.AllowedHosts = tt.hosts
			p, err := r.Provider(&tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme", Settings: tt.settings})
			if got := tenantry.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			if err != nil {
				return
			}
			mu.Lock()
			auth = "unset"
			mu.Unlock()
			if _, err := p.Chat(context.Background(), request()); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if auth != tt.auth {
				t.Errorf("authorization = %q, want %q", auth, tt.auth)
			}
		})
	}
}
