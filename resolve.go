package tenantry

import (
	"context"
	"net"
	"strings"
)

// TenantDirectory finds tenants by their addresses (tenant_not_found). A
// Store is one; the JSON API puts a cache in front of it.
type TenantDirectory interface {
	TenantByID(ctx context.Context, id string) (*Tenant, error)
	TenantBySlug(ctx context.Context, slug string) (*Tenant, error)
	TenantByDomain(ctx context.Context, domain string) (*Tenant, error)
}

// Resolver finds the tenant that a request's address names: its host (a
// tenant's custom domain, or a subdomain of a base domain whose first label
// is the tenant's slug) and its /t/{slug}/ path prefix. It is the one
// resolver of the JSON API and the web pages; the API adds its own sources
// (the API key, X-Tenant-ID and the user's default tenant) with the same
// conflict rule (TenantMatch). It does not check a tenant's status.
type Resolver struct {
	Directory TenantDirectory
	// BaseDomains are the central hosts, normalized (NormalizeDomain).
	BaseDomains []string
}

// ErrNoTenant is the answer to an address that names no registered tenant.
func ErrNoTenant() error { return Errorf(ETENANTNOTFOUND, "No tenant matches the request.") }

// Address returns the tenant that host and path name, nil when neither
// names one (the central host). Both naming different tenants is
// tenant_conflict; one naming an unknown tenant tenant_not_found.
func (rs Resolver) Address(ctx context.Context, host, path string) (*Tenant, error) {
	var m TenantMatch
	if err := m.Add(rs.Host(ctx, host)); err != nil {
		return nil, err
	}
	if slug, _, ok := SplitTenantPath(path); ok {
		if err := m.Add(rs.Ref(ctx, slug)); err != nil {
			return nil, err
		}
	}
	return m.Tenant(), nil
}

// Host returns the tenant a host names: the tenant whose custom domain it
// is, else the tenant whose slug is the first label of a subdomain of a
// base domain. Base domains themselves, reserved labels (www, api, admin,
// app), IP addresses and other hosts name no tenant (nil, nil).
func (rs Resolver) Host(ctx context.Context, host string) (*Tenant, error) {
	h := NormalizeDomain(host)
	if h == "" || h[0] == '[' || net.ParseIP(h) != nil {
		return nil, nil
	}
	label := ""
	for _, base := range rs.BaseDomains {
		if h == base {
			return nil, nil
		}
		if sub, ok := strings.CutSuffix(h, "."+base); ok {
			label, _, _ = strings.Cut(sub, ".")
			break
		}
	}
	if strings.Contains(h, ".") {
		t, err := rs.Directory.TenantByDomain(ctx, h)
		if err == nil {
			return t, nil
		}
		if !IsCode(err, ETENANTNOTFOUND) && !IsCode(err, ENOTFOUND) {
			return nil, err
		}
	}
	if label == "" || IsReservedSlug(label) {
		return nil, nil
	}
	return rs.Ref(ctx, label)
}

// Ref returns the tenant that ref names by id or slug, in any case and
// with surrounding space (tenant_not_found).
func (rs Resolver) Ref(ctx context.Context, ref string) (*Tenant, error) {
	var (
		t   *Tenant
		err error
	)
	if id, ok := ParseID(ref); ok {
		t, err = rs.Directory.TenantByID(ctx, id)
	} else if slug := strings.ToLower(strings.TrimSpace(ref)); ValidSlug(slug) {
		t, err = rs.Directory.TenantBySlug(ctx, slug)
	} else {
		return nil, ErrNoTenant()
	}
	if err != nil && (IsCode(err, ETENANTNOTFOUND) || IsCode(err, ENOTFOUND)) {
		return nil, ErrNoTenant()
	}
	return t, err
}

// TenantMatch collects the tenant that the sources of one request name.
// The zero value names none.
type TenantMatch struct{ t *Tenant }

// Add records t, the answer of one source (nil: the source names none),
// and returns err, or tenant_conflict when t is not the tenant an earlier
// source named.
func (m *TenantMatch) Add(t *Tenant, err error) error {
	if err != nil || t == nil {
		return err
	}
	if m.t != nil && m.t.ID != t.ID {
		return Errorf(ETENANTCONFLICT, "The request names two different tenants.")
	}
	m.t = t
	return nil
}

// Tenant returns the tenant the sources named, nil for none.
func (m *TenantMatch) Tenant() *Tenant { return m.t }

// SplitTenantPath splits a "/t/{slug}/rest" path into the slug and
// "/rest" ("/t/{slug}" gives "/"). It reports false for any other path.
func SplitTenantPath(path string) (slug, rest string, ok bool) {
	after, found := strings.CutPrefix(path, "/t/")
	if !found {
		return "", "", false
	}
	slug, rest, _ = strings.Cut(after, "/")
	if slug == "" {
		return "", "", false
	}
	return slug, "/" + rest, true
}
