package app

import (
	"io"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
)

// TestProvidersAllowList checks how TENANTRY_OPENAI_ALLOWED_HOSTS is read:
// origins compared with their port, a bare host as https on port 443, and
// the global endpoint's origin when the list is empty.
func TestProvidersAllowList(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		base string
		ok   bool
	}{
		{"default: the global origin", nil, "https://api.openai.com/v1", true},
		{"default: another port of the global host", nil, "https://api.openai.com:8443/v1", false},
		{"default: another host", nil, "https://evil.example/v1", false},
		{"bare host", map[string]string{"TENANTRY_OPENAI_ALLOWED_HOSTS": "llm.example.com"}, "https://llm.example.com/v1", true},
		{"bare host, other port", map[string]string{"TENANTRY_OPENAI_ALLOWED_HOSTS": "llm.example.com"}, "https://llm.example.com:444/v1", false},
		{"bare host, http", map[string]string{"TENANTRY_OPENAI_ALLOWED_HOSTS": "llm.example.com"}, "http://llm.example.com/v1", false},
		{"origin with port", map[string]string{"TENANTRY_OPENAI_ALLOWED_HOSTS": "a.example, http://10.0.0.5:8000"}, "http://10.0.0.5:8000/v1", true},
		{"origin with port, other port", map[string]string{"TENANTRY_OPENAI_ALLOWED_HOSTS": "http://10.0.0.5:8000"}, "http://10.0.0.5:8001/v1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &environment{getenv: func(k string) string { return tt.env[k] }, stderr: io.Discard}
			ps, err := providers(env)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ps[assistant.ProviderOpenAI](&tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme", Settings: tenantry.Settings{"openai_base_url": tt.base}})
			if got := err == nil; got != tt.ok {
				t.Errorf("base %s accepted = %v, want %v (%v)", tt.base, got, tt.ok, err)
			}
		})
	}
}
