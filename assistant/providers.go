package assistant

import (
	"github.com/tenantry/tenantry"
)

// Provider names, the values of a tenant's "provider" setting.
const (
	ProviderBuiltin = "builtin"
	ProviderOpenAI  = "openai"
)

// ProviderFunc returns the provider that answers for tenant t.
type ProviderFunc func(t *tenantry.Tenant) (tenantry.Provider, error)

// Fixed returns a ProviderFunc that answers every tenant with p.
func Fixed(p tenantry.Provider) ProviderFunc {
	return func(*tenantry.Tenant) (tenantry.Provider, error) { return p, nil }
}

// Providers maps provider names to the functions that make a tenant's
// provider. A tenant picks one with its "provider" setting (default
// "builtin"); New adds the built-in family when "builtin" is missing.
// Wire the OpenAI-compatible client with
//
//	assistant.Providers{"openai": openai.NewResolver(cfg, os.Getenv).Provider}
type Providers map[string]ProviderFunc

// For returns the provider of tenant t (upstream_error when the tenant
// names a provider that is not configured).
func (ps Providers) For(t *tenantry.Tenant) (tenantry.Provider, error) {
	name := ConfigFor(t).Provider
	fn, ok := ps[name]
	if !ok || fn == nil {
		return nil, tenantry.Errorf(tenantry.EUPSTREAM, "The assistant provider %q is not available.", name)
	}
	return fn(t)
}
