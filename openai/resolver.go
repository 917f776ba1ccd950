package openai

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tenantry/tenantry"
)

// Platform-only tenant settings read by a Resolver (set through the
// platform API, never by the tenant).
const (
	// SettingBaseURL is a tenant's own API root.
	SettingBaseURL = tenantry.SettingOpenAIBaseURL
	// SettingAPIKeyEnv names the environment variable that holds the
	// tenant's API key; settings never hold the key itself.
	SettingAPIKeyEnv = tenantry.SettingOpenAIKeyEnv
)

// DefaultKeyEnvPrefix is the prefix every SettingAPIKeyEnv must start with.
const DefaultKeyEnvPrefix = "TENANTRY_OPENAI_KEY_"

var envName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// Resolver makes the client of each tenant: the global Config, overridden
// by the tenant's openai_base_url and openai_api_key_env settings.
//
// The global API key is only ever sent to the global base URL: a tenant
// that sets its own base URL must also name its own key variable, or its
// requests carry no key. A key variable must be named with KeyEnvPrefix,
// so a tenant cannot make the server send other secrets of its
// environment.
type Resolver struct {
	// Config is the global configuration.
	Config Config
	// Getenv reads environment variables (os.Getenv in main).
	Getenv func(string) string
	// KeyEnvPrefix is the prefix of allowed key variables (default
	// DefaultKeyEnvPrefix).
	KeyEnvPrefix string
	// AllowedHosts, when not empty, lists the only hosts a tenant's base
	// URL may name.
	AllowedHosts []string
}

// NewResolver returns a Resolver with one shared HTTP client.
func NewResolver(cfg Config, getenv func(string) string) *Resolver {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	return &Resolver{Config: cfg, Getenv: getenv, KeyEnvPrefix: DefaultKeyEnvPrefix}
}

// Provider returns the client of tenant t (upstream_error when the
// tenant's settings are not usable). It is an assistant.ProviderFunc.
func (r *Resolver) Provider(t *tenantry.Tenant) (tenantry.Provider, error) {
	cfg := r.Config
	base := strings.TrimSpace(t.Settings.String(SettingBaseURL))
	keyEnv := strings.TrimSpace(t.Settings.String(SettingAPIKeyEnv))
	if base != "" {
		if !ValidBaseURL(base) || !r.hostAllowed(base) {
			return nil, tenantry.Errorf(tenantry.EUPSTREAM, "The tenant's %s setting is not an allowed URL.", SettingBaseURL)
		}
		cfg.BaseURL = base
		cfg.APIKey = ""
	}
	if keyEnv != "" {
		prefix := r.KeyEnvPrefix
		if prefix == "" {
			prefix = DefaultKeyEnvPrefix
		}
		if !envName.MatchString(keyEnv) || !strings.HasPrefix(keyEnv, prefix) || r.Getenv == nil {
			return nil, tenantry.Errorf(tenantry.EUPSTREAM, "The tenant's %s setting must name a variable starting with %s.", SettingAPIKeyEnv, prefix)
		}
		key := r.Getenv(keyEnv)
		if key == "" {
			return nil, tenantry.Errorf(tenantry.EUPSTREAM, "The tenant's API key is not configured.")
		}
		cfg.APIKey = key
	}
	return New(cfg), nil
}

func (r *Resolver) hostAllowed(base string) bool {
	if len(r.AllowedHosts) == 0 {
		return true
	}
	u, err := url.Parse(base)
	return err == nil && slices.Contains(r.AllowedHosts, strings.ToLower(u.Hostname()))
}
