package tenantry

import "strings"

// UnderBaseDomain reports whether domain is one of baseDomains or a name
// under one of them (compared after NormalizeDomain). Such a domain would
// shadow the subdomain address of a tenant, so it is never a custom domain.
func UnderBaseDomain(domain string, baseDomains []string) bool {
	d := NormalizeDomain(domain)
	if d == "" {
		return false
	}
	for _, b := range baseDomains {
		if b = NormalizeDomain(b); b != "" && (d == b || strings.HasSuffix(d, "."+b)) {
			return true
		}
	}
	return false
}

// ValidateCustomDomain returns validation_failed on domain when domain is
// UnderBaseDomain, and nil otherwise (an empty domain included).
func ValidateCustomDomain(domain string, baseDomains []string) error {
	if domain != "" && UnderBaseDomain(domain, baseDomains) {
		return Invalid(map[string]string{"domain": "must not be a base domain or under one"})
	}
	return nil
}
