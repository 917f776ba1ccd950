package http

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

// requestInfo is what the middleware learns about a request while it is
// served; the access log and metrics read it at the end.
type requestInfo struct {
	logger   *slog.Logger
	route    string
	tenantID string
	userID   string
	apiKeyID string
	errCode  string
	// clientGone is set when the request ended because the client went
	// away; it is logged and counted as 499, not as a server error.
	clientGone bool
	// pathSlug is the tenant slug of a /t/{slug}/ path prefix.
	pathSlug string
}

type infoKey struct{}
type tenantKey struct{}

// infoOf returns the request's info, or nil outside the middleware.
func infoOf(r *http.Request) *requestInfo {
	info, _ := r.Context().Value(infoKey{}).(*requestInfo)
	return info
}

// tenantScope is what a tenant route's context carries: the resolved
// tenant and the storage handle bound to it, made once per request.
type tenantScope struct {
	tenant *tenantry.Tenant
	store  tenantry.TenantStore
}

// withTenant returns a copy of ctx carrying the resolved tenant and its
// handle.
func (s *Server) withTenant(ctx context.Context, t *tenantry.Tenant) context.Context {
	return context.WithValue(ctx, tenantKey{}, &tenantScope{tenant: t, store: s.store.Tenant(t.ID)})
}

// tenantOf returns the request's resolved, active tenant; nil outside
// tenant routes. The tenant is shared with the cache: never modify it.
func tenantOf(r *http.Request) *tenantry.Tenant {
	if sc, _ := r.Context().Value(tenantKey{}).(*tenantScope); sc != nil {
		return sc.tenant
	}
	return nil
}

// scope returns the storage handle of the request's tenant. On a route
// without a tenant it returns a handle that fails with tenant_required.
func (s *Server) scope(r *http.Request) tenantry.TenantStore {
	if sc, _ := r.Context().Value(tenantKey{}).(*tenantScope); sc != nil {
		return sc.store
	}
	return s.store.Tenant("")
}

// projects returns the projects service of the request's tenant.
func (s *Server) projects(r *http.Request) projects.Service {
	return s.prepared.For(s.scope(r))
}

// team returns the request's tenant's members and invitations as its
// caller may change them (tenantry.Team, the rules the pages share).
func (s *Server) team(r *http.Request) tenantry.Team {
	id := tenantry.IdentityFromContext(r.Context())
	return tenantry.Team{Store: s.scope(r), UserID: id.UserID, Role: id.Role}
}

// requireManager returns forbidden unless the caller is an owner or admin
// of the request's tenant.
func requireManager(r *http.Request) error {
	return tenantry.Team{Role: tenantry.IdentityFromContext(r.Context()).Role}.CheckManager()
}

// contextWithInfo returns a copy of ctx carrying info.
func contextWithInfo(ctx context.Context, info *requestInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}
