package openai

import (
	"net/http"
	"regexp"
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

// DefaultKeyEnvPrefix is the prefix of every key variable.
const DefaultKeyEnvPrefix = "TENANTRY_OPENAI_KEY_"

var envName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// Resolver makes the client of each tenant: the global Config, overridden
// by the tenant's openai_base_url and openai_api_key_env settings.
//
// The global API key is only ever sent to the global base URL: a tenant
// that sets its own base URL must also name its own key variable, or its
// requests carry no key. A key variable is bound to one tenant: the only
// one tenant t may name is KeyEnv(t.Slug), so neither a tenant nor a
// misconfigured platform setting can send one tenant's key for another,
// nor other secrets of the environment.
//
// A tenant's base URL must be on one of AllowedOrigins (scheme, host and
// port compared). Requests to the global base URL's origin and to the
// allowed origins go through Config.HTTPClient; requests to any other
// origin (possible only when AllowedOrigins is empty) go through
// PublicClient, whose dialer refuses loopback, private, link-local,
// unspecified and multicast addresses. No client follows redirects.
type Resolver struct {
	// Config is the global configuration; Config.HTTPClient sends the
	// requests to the origins the operator allowed.
	Config Config
	// Getenv reads environment variables (os.Getenv in main).
	Getenv func(string) string
	// KeyEnvPrefix is the prefix of key variables (default
	// DefaultKeyEnvPrefix).
	KeyEnvPrefix string
	// AllowedOrigins, when not empty, lists the only origins a tenant's
	// base URL may name, each scheme://host[:port] or a bare host (https on
	// port 443); an entry ParseOrigin refuses matches nothing. When empty,
	// any origin is accepted, and one the operator did not configure is
	// reached through PublicClient only.
	AllowedOrigins []string
	// PublicClient sends the requests to origins the operator did not
	// allow (NewResolver sets NewHTTPClient(true)). When nil, such origins
	// are refused.
	PublicClient *http.Client
}

// NewResolver returns a Resolver with one shared HTTP client for the
// operator's origins and one for public origins.
func NewResolver(cfg Config, getenv func(string) string) *Resolver {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = NewHTTPClient(false)
	}
	return &Resolver{Config: cfg, Getenv: getenv, KeyEnvPrefix: DefaultKeyEnvPrefix, PublicClient: NewHTTPClient(true)}
}

// KeyEnv returns the name of the only key variable the tenant with slug
// may use: the prefix followed by the slug in upper case with '-' written
// '_' (TENANTRY_OPENAI_KEY_ACME_CORP for acme-corp). Slugs are lower-case
// letters, digits and hyphens, so each variable names one tenant.
func (r *Resolver) KeyEnv(slug string) string {
	prefix := r.KeyEnvPrefix
	if prefix == "" {
		prefix = DefaultKeyEnvPrefix
	}
	return prefix + strings.ToUpper(strings.ReplaceAll(slug, "-", "_"))
}

// Provider returns the client of tenant t (upstream_error when the
// tenant's settings are not usable). It is an assistant.ProviderFunc.
func (r *Resolver) Provider(t *tenantry.Tenant) (tenantry.Provider, error) {
	cfg := r.Config
	base := strings.TrimSpace(t.Settings.String(SettingBaseURL))
	keyEnv := strings.TrimSpace(t.Settings.String(SettingAPIKeyEnv))
	if base != "" {
		o, ok := BaseOrigin(base)
		if !ok || !r.originAllowed(o) {
			return nil, tenantry.Errorf(tenantry.EUPSTREAM, "The tenant's %s setting is not an allowed URL.", SettingBaseURL)
		}
		if !r.operatorOrigin(o) {
			if r.PublicClient == nil {
				return nil, tenantry.Errorf(tenantry.EUPSTREAM, "The tenant's %s setting is not an allowed URL.", SettingBaseURL)
			}
			cfg.HTTPClient = r.PublicClient
		}
		cfg.BaseURL = base
		cfg.APIKey = ""
	}
	if keyEnv != "" {
		want := r.KeyEnv(t.Slug)
		if t.Slug == "" || keyEnv != want || !envName.MatchString(want) || r.Getenv == nil {
			return nil, tenantry.Errorf(tenantry.EUPSTREAM, "The tenant's %s setting may only name %s.", SettingAPIKeyEnv, want)
		}
		key := r.Getenv(keyEnv)
		if key == "" {
			return nil, tenantry.Errorf(tenantry.EUPSTREAM, "The tenant's API key is not configured.")
		}
		cfg.APIKey = key
	}
	return New(cfg), nil
}

// originAllowed reports whether a tenant's base URL may name origin o.
func (r *Resolver) originAllowed(o string) bool {
	return len(r.AllowedOrigins) == 0 || r.listed(o)
}

// operatorOrigin reports whether the operator configured origin o: the
// global base URL's origin or one of AllowedOrigins.
func (r *Resolver) operatorOrigin(o string) bool {
	global := r.Config.BaseURL
	if global == "" {
		global = DefaultBaseURL
	}
	if g, ok := BaseOrigin(global); ok && g == o {
		return true
	}
	return r.listed(o)
}

// listed reports whether o is one of AllowedOrigins.
func (r *Resolver) listed(o string) bool {
	for _, entry := range r.AllowedOrigins {
		if a, err := ParseOrigin(entry); err == nil && a == o {
			return true
		}
	}
	return false
}
