package http

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// HeaderTenant is the request header naming a tenant by slug or id.
const HeaderTenant = "X-Tenant-ID"

// resolveTenant finds the request's tenant from, in order of precedence,
// the API key, the X-Tenant-ID header, the host, the /t/{slug}/ path prefix
// and the signed-in user's default tenant, and checks that it is active.
// Two sources naming different tenants are tenant_conflict; a source naming
// no registered tenant is tenant_not_found; no source is tenant_required.
func (s *Server) resolveTenant(r *http.Request, p *auth.Principal) (*tenantry.Tenant, error) {
	t, err := s.findTenant(r, p)
	if err != nil {
		return nil, err
	}
	if err := t.Usable(); err != nil {
		return nil, err
	}
	return t, nil
}

// findTenant is resolveTenant without the status check.
func (s *Server) findTenant(r *http.Request, p *auth.Principal) (*tenantry.Tenant, error) {
	ctx := r.Context()
	var found tenantOnce
	add := found.add
	if p != nil && p.APIKeyID != "" {
		if err := add(s.tenantByID(ctx, p.TenantID)); err != nil {
			return nil, err
		}
	}
	if err := add(s.tenantOfRequest(r)); err != nil {
		return nil, err
	}
	if found.t != nil {
		return found.t, nil
	}
	if p != nil && p.UserID != "" {
		u, err := s.user(ctx, p.UserID)
		if err != nil {
			if tenantry.IsCode(err, tenantry.ENOTFOUND) {
				return nil, tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Missing or invalid credentials.")
			}
			return nil, err
		}
		if u.DefaultTenantID != "" {
			t, err := s.tenantByID(ctx, u.DefaultTenantID)
			if err == nil {
				return t, nil
			}
			if !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
				return nil, err
			}
		}
	}
	return nil, tenantry.Errorf(tenantry.ETENANTREQUIRED, "This route needs a tenant: send X-Tenant-ID, use the tenant's host or a /t/{slug}/ path.")
}

// tenantOfRequest resolves the tenant named by the request itself: the
// X-Tenant-ID header, the host and the /t/{slug}/ prefix, in that order.
// It returns nil and no error when none names a tenant.
func (s *Server) tenantOfRequest(r *http.Request) (*tenantry.Tenant, error) {
	return s.tenantOfSources(r, "", nil)
}

// tenantOfSources is tenantOfRequest with, after the request's own sources,
// the tenant that ref (a slug or id from a body, "" for none) names; keep,
// when set, sees each source's answer first and may turn it into another
// one (the public assistant makes tenants without it unknown).
func (s *Server) tenantOfSources(r *http.Request, ref string, keep func(*tenantry.Tenant, error) error) (*tenantry.Tenant, error) {
	ctx := r.Context()
	var found tenantOnce
	add := found.add
	if keep != nil {
		add = func(t *tenantry.Tenant, err error) error {
			if err := keep(t, err); err != nil {
				return err
			}
			return found.add(t, err)
		}
	}
	if vs := r.Header.Values(hdrTenant); len(vs) > 0 {
		if len(vs) > 1 {
			return nil, tenantry.Errorf(tenantry.ETENANTCONFLICT, "The request names more than one tenant.")
		}
		v := strings.TrimSpace(vs[0])
		if v == "" {
			return nil, errTenantNotFound()
		}
		if err := add(s.tenantByRef(ctx, v)); err != nil {
			return nil, err
		}
	}
	if err := add(s.tenantOfHost(ctx, r.Host)); err != nil {
		return nil, err
	}
	if info := infoOf(r); info != nil && info.pathSlug != "" {
		if err := add(s.tenantByRef(ctx, info.pathSlug)); err != nil {
			return nil, err
		}
	}
	if ref != "" {
		if err := add(s.tenantByRef(ctx, ref)); err != nil {
			return nil, err
		}
	}
	return found.t, nil
}

// ResolvePageTenant returns the tenant a web page request names by its host
// (custom domain or subdomain of a base domain) or its /t/{slug}/ path
// prefix, and nil on the central host. It does not check the tenant's
// status: the UI shows a suspended tenant's own page. Two sources naming
// different tenants are tenant_conflict; an unknown one tenant_not_found.
func (s *Server) ResolvePageTenant(r *http.Request) (*tenantry.Tenant, error) {
	var found tenantOnce
	if err := found.add(s.tenantOfHost(r.Context(), r.Host)); err != nil {
		return nil, err
	}
	if slug, _, ok := stripTenantPrefix(r.URL.Path); ok {
		if err := found.add(s.tenantByRef(r.Context(), slug)); err != nil {
			return nil, err
		}
	}
	return found.t, nil
}

// tenantOnce collects the tenant that the sources of one request name; two
// different tenants are tenant_conflict.
type tenantOnce struct{ t *tenantry.Tenant }

// add records t, the answer of one source (nil: the source names none).
func (o *tenantOnce) add(t *tenantry.Tenant, err error) error {
	if err != nil || t == nil {
		return err
	}
	if o.t != nil && o.t.ID != t.ID {
		return tenantry.Errorf(tenantry.ETENANTCONFLICT, "The request names two different tenants.")
	}
	o.t = t
	return nil
}

// tenantOfHost returns the tenant a host names: a tenant whose custom
// domain is the host, else the tenant whose slug is the first label of a
// subdomain of a base domain. Base domains themselves, reserved labels (www,
// api, admin, app), IP addresses and other hosts name no tenant (nil, nil).
func (s *Server) tenantOfHost(ctx context.Context, host string) (*tenantry.Tenant, error) {
	h := tenantry.NormalizeDomain(host)
	if h == "" || h[0] == '[' || net.ParseIP(h) != nil {
		return nil, nil
	}
	label := ""
	for _, base := range s.cfg.BaseDomains {
		if h == base {
			return nil, nil
		}
		if sub, ok := strings.CutSuffix(h, "."+base); ok {
			label, _, _ = strings.Cut(sub, ".")
			break
		}
	}
	if strings.Contains(h, ".") {
		t, err := s.tenantByDomain(ctx, h)
		if err == nil {
			return t, nil
		}
		if !tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) && !tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return nil, err
		}
	}
	if label == "" || tenantry.IsReservedSlug(label) {
		return nil, nil
	}
	return s.tenantBySlug(ctx, label)
}

// normalizeSlug lower-cases and trims a slug, returning "" when it cannot
// be one.
func normalizeSlug(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 63 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return ""
		}
	}
	return s
}

// stripTenantPrefix splits a /t/{slug}/rest path into the slug and /rest.
// It reports false for any other path.
func stripTenantPrefix(path string) (slug, rest string, ok bool) {
	after, found := strings.CutPrefix(path, "/t/")
	if !found {
		return "", "", false
	}
	slug, rest, found = strings.Cut(after, "/")
	if !found || slug == "" {
		return "", "", false
	}
	return slug, "/" + rest, true
}
