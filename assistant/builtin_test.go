package assistant_test

import (
	"context"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
)

func TestBuiltin(t *testing.T) {
	tn := &tenantry.Tenant{ID: tenantry.NewID(), Slug: "acme", Name: "Acme Corp", Settings: tenantry.Settings{"welcome": "Howdy from Acme!"}}
	b := assistant.NewBuiltin(tn)
	msgs := func(s ...string) []*tenantry.ChatMessage {
		var out []*tenantry.ChatMessage
		for i, c := range s {
			role := tenantry.ChatRoleUser
			if i%2 == 1 {
				role = tenantry.ChatRoleAssistant
			}
			out = append(out, &tenantry.ChatMessage{Role: role, Content: c})
		}
		return out
	}
	tests := []struct {
		model string
		msgs  []*tenantry.ChatMessage
		want  string
		code  string
	}{
		{"mock-1", msgs("héllo 👋"), "Howdy from Acme! [ACME MOCK] You said: 'héllo 👋'. Here's it reversed: '👋 olléh'", ""},
		{"mock-2", msgs("old", "reply", "straße"), "Howdy from Acme! [ACME MOCK] Echo: STRASSE", ""},
		{"mock-3", msgs(" spaced "), "Howdy from Acme! [ACME MOCK] Got it. 'spaced'. (pretend-smart summary).", ""},
		{"mock-1", nil, "Howdy from Acme! [ACME MOCK] You said: ''. Here's it reversed: ''", ""},
		{"gpt-4", msgs("hi"), "", tenantry.EUPSTREAM},
	}
	for _, tt := range tests {
		got, err := b.Chat(context.Background(), tenantry.ChatRequest{Model: tt.model, Messages: tt.msgs})
		if code := tenantry.ErrorCode(err); code != tt.code {
			t.Errorf("%s: code = %q, want %q", tt.model, code, tt.code)
			continue
		}
		if err == nil && (got.Content != tt.want || got.Model != tt.model) {
			t.Errorf("%s: reply = %q (%s), want %q", tt.model, got.Content, got.Model, tt.want)
		}
	}
}

func TestConfigFor(t *testing.T) {
	tests := []struct {
		settings tenantry.Settings
		want     assistant.Config
	}{
		{tenantry.Settings{}, assistant.Config{Welcome: "Welcome to Initech.", Model: "mock-1", Provider: "builtin", SystemPrompt: "You are the assistant of Initech."}},
		{tenantry.Settings{"welcome": " Hi. ", "model": "gpt-4o", "provider": "openai", "system_prompt": "Be terse."},
			assistant.Config{Welcome: "Hi.", Model: "gpt-4o", Provider: "openai", SystemPrompt: "Be terse."}},
		{tenantry.Settings{"welcome": 7, "model": ""}, assistant.Config{Welcome: "Welcome to Initech.", Model: "mock-1", Provider: "builtin", SystemPrompt: "You are the assistant of Initech."}},
	}
	for _, tt := range tests {
		got := assistant.ConfigFor(&tenantry.Tenant{Name: "Initech", Settings: tt.settings})
		if got != tt.want {
			t.Errorf("ConfigFor(%v) = %+v, want %+v", tt.settings, got, tt.want)
		}
	}
}
