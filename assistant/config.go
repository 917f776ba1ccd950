package assistant

import (
	"strings"

	"github.com/tenantry/tenantry"
)

// DefaultModel is the model of a tenant whose settings name none.
const DefaultModel = ModelReverse

// Config is a tenant's assistant configuration, read from its settings.
type Config struct {
	// Welcome is the greeting shown when a session starts (default
	// "Welcome to <name>.").
	Welcome string
	// Model is the model name (default "mock-1").
	Model string
	// Provider names the provider (default "builtin").
	Provider string
	// SystemPrompt is the persona sent to the provider (default "You are
	// the assistant of <name>.").
	SystemPrompt string
}

// ConfigFor returns the assistant configuration of tenant t, with defaults
// for every setting that is missing, empty or not a string.
func ConfigFor(t *tenantry.Tenant) Config {
	c := Config{
		Welcome:      strings.TrimSpace(t.Settings.String(tenantry.SettingWelcome)),
		Model:        strings.TrimSpace(t.Settings.String(tenantry.SettingModel)),
		Provider:     strings.TrimSpace(t.Settings.String(tenantry.SettingProvider)),
		SystemPrompt: strings.TrimSpace(t.Settings.String(tenantry.SettingSystemPrompt)),
	}
	if c.Welcome == "" {
		c.Welcome = "Welcome to " + t.Name + "."
	}
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.Provider == "" {
		c.Provider = ProviderBuiltin
	}
	if c.SystemPrompt == "" {
		c.SystemPrompt = "You are the assistant of " + t.Name + "."
	}
	return c
}
