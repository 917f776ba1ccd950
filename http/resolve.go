package http

import (
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
	var found tenantry.TenantMatch
	if p != nil && p.APIKeyID != "" {
		if err := found.Add(s.tenants.TenantByID(ctx, p.TenantID)); err != nil {
			return nil, err
		}
	}
	if err := found.Add(s.tenantOfRequest(r)); err != nil {
		return nil, err
	}
	if t := found.Tenant(); t != nil {
		return t, nil
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
			t, err := s.tenants.TenantByID(ctx, u.DefaultTenantID)
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
	var found tenantry.TenantMatch
	add := found.Add
	if keep != nil {
		add = func(t *tenantry.Tenant, err error) error {
			if err := keep(t, err); err != nil {
				return err
			}
			return found.Add(t, err)
		}
	}
	if vs := r.Header.Values(hdrTenant); len(vs) > 0 {
		if len(vs) > 1 {
			return nil, tenantry.Errorf(tenantry.ETENANTCONFLICT, "The request names more than one tenant.")
		}
		v := strings.TrimSpace(vs[0])
		if v == "" {
			return nil, tenantry.ErrNoTenant()
		}
		if err := add(s.resolver.Ref(ctx, v)); err != nil {
			return nil, err
		}
	}
	if err := add(s.resolver.Host(ctx, r.Host)); err != nil {
		return nil, err
	}
	if info := infoOf(r); info != nil && info.pathSlug != "" {
		if err := add(s.resolver.Ref(ctx, info.pathSlug)); err != nil {
			return nil, err
		}
	}
	if ref != "" {
		if err := add(s.resolver.Ref(ctx, ref)); err != nil {
			return nil, err
		}
	}
	return found.Tenant(), nil
}

// ResolvePageTenant returns the tenant a web page request names by its host
// (custom domain or subdomain of a base domain) or its /t/{slug}/ path
// prefix, and nil on the central host: the pages' resolver, the API's
// (tenantry.Resolver) over the API's cache. It does not check the tenant's
// status: the UI shows a suspended tenant's own page. Two sources naming
// different tenants are tenant_conflict; an unknown one tenant_not_found.
func (s *Server) ResolvePageTenant(r *http.Request) (*tenantry.Tenant, error) {
	return s.resolver.Address(r.Context(), r.Host, r.URL.Path)
}
