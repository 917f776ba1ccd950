package http

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
)

// registerRoutes registers every route of the server. The OpenAPI test
// parses the patterns below: keep one s.route call per line.
func (s *Server) registerRoutes() {
	// Operations.
	s.route("GET /healthz", s.publicRoute(s.handleHealthz))
	s.route("GET /readyz", s.publicRoute(s.handleReadyz))
	s.route("GET /metrics", s.metricsHandler())
	s.route("GET /api/openapi.json", s.publicRoute(s.handleOpenAPI))
	s.route("GET /api/docs", s.publicRoute(s.handleDocs))

	// Sign-in (no tenant).
	s.route("POST /api/auth/signup", s.publicRoute(s.handleSignup))
	s.route("POST /api/auth/login", s.publicRoute(s.handleLogin))
	s.route("POST /api/auth/refresh", s.publicRoute(s.handleRefresh))
	s.route("POST /api/auth/logout", s.publicRoute(s.handleLogout))
	s.route("GET /api/auth/me", s.userRoute(s.handleMe))
	s.route("PUT /api/auth/me/default-tenant", s.userRoute(s.handleDefaultTenant))
	s.route("POST /api/auth/password-reset", s.publicRoute(s.handlePasswordReset))
	s.route("POST /api/auth/password-reset/confirm", s.publicRoute(s.handlePasswordResetConfirm))

	// Platform administration (no tenant; platform admins only).
	s.route("POST /api/admin/tenants", s.adminRoute(s.handleAdminTenantCreate))
	s.route("GET /api/admin/tenants", s.adminRoute(s.handleAdminTenantList))
	s.route("POST /api/admin/tenants/import", s.adminRouteLimit(MaxImportBytes, s.handleAdminTenantImport))
	s.route("GET /api/admin/tenants/{id}", s.adminRoute(s.handleAdminTenantGet))
	s.route("PATCH /api/admin/tenants/{id}", s.adminRoute(s.handleAdminTenantUpdate))
	s.route("DELETE /api/admin/tenants/{id}", s.adminRoute(s.handleAdminTenantDelete))
	s.route("POST /api/admin/tenants/{id}/suspend", s.adminRoute(s.handleAdminTenantSuspend))
	s.route("POST /api/admin/tenants/{id}/activate", s.adminRoute(s.handleAdminTenantActivate))
	s.route("POST /api/admin/tenants/{id}/archive", s.adminRoute(s.handleAdminTenantArchive))
	s.route("GET /api/admin/tenants/{id}/export", s.adminRoute(s.handleAdminTenantExport))
	s.route("GET /api/admin/audit", s.adminRoute(s.handleAdminAudit))
	s.route("GET /api/admin/events", s.adminRoute(s.handleAdminEvents))
	s.route("GET /api/admin/tenants/{id}/members", s.adminRoute(s.handleAdminMemberList))
	s.route("POST /api/admin/tenants/{id}/members", s.adminRoute(s.handleAdminMemberAdd))
	s.route("POST /api/admin/tenants/{id}/placement", s.adminRoute(s.handleAdminTenantPlace))

	// Invitation acceptance: the token names the tenant, so this is a
	// user route, not a membership route.
	s.route("POST /api/invitations/{token}/accept", s.userRoute(s.handleInvitationAccept))

	// Tenant-scoped API (tenant resolved, membership required).
	s.route("GET /api/tenant", s.tenantRoute(s.handleTenantGet))
	s.route("GET /api/settings", s.tenantRoute(s.handleSettingsGet))
	s.route("PATCH /api/settings", s.tenantRoute(s.handleSettingsUpdate))
	s.route("GET /api/members", s.tenantRoute(s.handleMemberList))
	s.route("POST /api/members", s.tenantRoute(s.handleMemberAdd))
	s.route("PATCH /api/members/{user_id}", s.tenantRoute(s.handleMemberUpdate))
	s.route("DELETE /api/members/{user_id}", s.tenantRoute(s.handleMemberRemove))
	s.route("GET /api/invitations", s.tenantRoute(s.handleInvitationList))
	s.route("POST /api/invitations", s.tenantRoute(s.handleInvitationCreate))
	s.route("DELETE /api/invitations/{id}", s.tenantRoute(s.handleInvitationRevoke))
	s.route("GET /api/projects", s.tenantRoute(s.handleProjectList))
	s.route("POST /api/projects", s.tenantRoute(s.handleProjectCreate))
	s.route("GET /api/projects/{id}", s.tenantRoute(s.handleProjectGet))
	s.route("PATCH /api/projects/{id}", s.tenantRoute(s.handleProjectUpdate))
	s.route("DELETE /api/projects/{id}", s.tenantRoute(s.handleProjectDelete))
	s.route("GET /api/tasks", s.tenantRoute(s.handleTaskList))
	s.route("POST /api/tasks", s.tenantRoute(s.handleTaskCreate))
	s.route("GET /api/tasks/{id}", s.tenantRoute(s.handleTaskGet))
	s.route("PATCH /api/tasks/{id}", s.tenantRoute(s.handleTaskUpdate))
	s.route("DELETE /api/tasks/{id}", s.tenantRoute(s.handleTaskDelete))
	s.route("GET /api/api-keys", s.tenantRoute(s.handleAPIKeyList))
	s.route("POST /api/api-keys", s.tenantRoute(s.handleAPIKeyCreate))
	s.route("DELETE /api/api-keys/{id}", s.tenantRoute(s.handleAPIKeyRevoke))
	s.route("GET /api/audit", s.tenantRoute(s.handleAuditList))
	s.route("GET /api/events", s.streamRoute(s.handleEvents))
	s.route("POST /api/sessions", s.tenantRoute(s.handleSessionCreate))
	s.route("POST /api/chat", s.tenantRouteRemote(s.handleChat))
	s.route("GET /api/sessions/{id}/messages", s.tenantRoute(s.handleSessionMessages))

	// Public assistant (tenant resolved, no sign-in; only a tenant whose
	// settings say public_assistant: true).
	s.route("POST /api/public/session", s.publicTenantRoute(true, s.handlePublicSession))
	s.route("POST /api/public/chat", s.publicTenantRoute(false, s.handlePublicChat))

	// Anything else: JSON 404 under /api/, the UI (when configured)
	// elsewhere.
	s.mux.Handle("/api/", s.publicRoute(s.handleNoRoute))
	if s.cfg.UI != nil {
		s.mux.Handle("/", s.cfg.UI)
	} else {
		s.mux.Handle("/", s.publicRoute(s.handleNoRoute))
	}
}

// route registers h for pattern.
func (s *Server) route(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// handleNoRoute answers a request that no route matches: 405
// method_not_allowed with an Allow header when the path has routes for
// other methods, else 404 not_found.
func (s *Server) handleNoRoute(w http.ResponseWriter, r *http.Request) error {
	if allow := s.allowedMethods(r); allow != "" {
		w.Header().Set("Allow", allow)
		return tenantry.Errorf(tenantry.EMETHODNOTALLOWED, "%s is not allowed here; use %s.", r.Method, allow)
	}
	return tenantry.Errorf(tenantry.ENOTFOUND, "No such route.")
}

// allowedMethods returns the methods for which a route other than a
// catch-all matches r's path, comma-separated, or "". It only runs for
// requests no route matched, so its probing costs nothing on the hot path.
func (s *Server) allowedMethods(r *http.Request) string {
	var allow []string
	probe := r.Clone(r.Context())
	for _, m := range [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && !isCatchAll(pattern) {
			allow = append(allow, m)
		}
	}
	return strings.Join(allow, ", ")
}

// isCatchAll reports whether pattern is one of the fallbacks registered
// last in registerRoutes.
func isCatchAll(pattern string) bool { return pattern == "/api/" || pattern == "/" }

// prologue records the route, limits the body to limit bytes and refuses
// bodies that are not JSON (nor NDJSON) and query parameters that are not
// text (tenantry.ValidQuery).
func prologue(r *http.Request, w http.ResponseWriter, limit int64) error {
	if info := infoOf(r); info != nil {
		info.route = r.Pattern
	}
	if err := tenantry.ValidQuery(r.URL.Query()); err != nil {
		return err
	}
	if r.ContentLength > limit {
		return tenantry.Errorf(tenantry.ETOOLARGE, "The request body is larger than %d bytes.", limit)
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
	}
	if r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
		ct := r.Header.Get("Content-Type")
		if ct != "" && !isJSONType(ct) && !isNDJSONType(ct) {
			return tenantry.Errorf(tenantry.EUNSUPPORTEDMEDIA, "The request body must be JSON (Content-Type: application/json).")
		}
	}
	return nil
}

// isNDJSONType reports whether ct is newline-delimited JSON.
func isNDJSONType(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.HasPrefix(ct, "application/x-ndjson") || strings.HasPrefix(ct, "application/ndjson") || strings.HasPrefix(ct, "application/jsonl")
}

// publicRoute serves h without authentication.
func (s *Server) publicRoute(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := prologue(r, w, MaxBodyBytes); err != nil {
			Error(w, r, err)
			return
		}
		if err := h(w, r); err != nil {
			Error(w, r, err)
		}
	})
}

// userRoute serves h for an authenticated user (not an API key), with no
// tenant.
func (s *Server) userRoute(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.serveUser(w, r, MaxBodyBytes, false, h); err != nil {
			Error(w, r, err)
		}
	})
}

// adminRoute serves h for an authenticated platform admin; anyone else
// signed in gets forbidden.
func (s *Server) adminRoute(h handlerFunc) http.Handler {
	return s.adminRouteLimit(MaxBodyBytes, h)
}

// adminRouteLimit is adminRoute with a body limit of limit bytes.
func (s *Server) adminRouteLimit(limit int64, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.serveUser(w, r, limit, true, h); err != nil {
			Error(w, r, err)
		}
	})
}

// serveUser authenticates a user (a platform admin when admin is set) and
// calls h with the identity in the context.
func (s *Server) serveUser(w http.ResponseWriter, r *http.Request, limit int64, admin bool, h handlerFunc) error {
	if err := prologue(r, w, limit); err != nil {
		return err
	}
	p, err := s.authenticate(r)
	if err != nil {
		return err
	}
	if p.UserID == "" {
		return tenantry.Errorf(tenantry.EFORBIDDEN, "This route needs a signed-in user, not an API key.")
	}
	if admin {
		u, err := s.user(r.Context(), p.UserID)
		if err != nil {
			if tenantry.IsCode(err, tenantry.ENOTFOUND) {
				return tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Missing or invalid credentials.")
			}
			return err
		}
		if !u.PlatformAdmin {
			return tenantry.Errorf(tenantry.EFORBIDDEN, "Only platform admins may do this.")
		}
	}
	id := p.Identity()
	if info := infoOf(r); info != nil {
		info.userID = id.UserID
	}
	r = r.WithContext(tenantry.NewContextWithIdentity(r.Context(), id))
	return h(w, r)
}

// tenantRoute serves h on the request's tenant: it authenticates the
// caller, resolves the tenant, checks its status and the caller's
// membership (an API key has its own tenant and role), and applies the
// tenant's rate limit and in-flight cap.
func (s *Server) tenantRoute(h handlerFunc) http.Handler { return s.tenantHandler(true, h) }

// tenantRouteRemote is tenantRoute for a handler that spends most of its
// time waiting for a remote service (the assistant's model) rather than on
// the database: it does not take a seat of the fair gate, whose seats
// stand for database connections, and has limits of its own.
func (s *Server) tenantRouteRemote(h handlerFunc) http.Handler { return s.tenantHandler(false, h) }

// tenantHandler adapts serveTenant to a handler.
func (s *Server) tenantHandler(gated bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.serveTenant(w, r, gated, h); err != nil {
			Error(w, r, err)
		}
	})
}

// serveTenant serves a tenant route; gated requests take a seat of the
// fair gate for the handler's duration.
func (s *Server) serveTenant(w http.ResponseWriter, r *http.Request, gated bool, h handlerFunc) error {
	if err := prologue(r, w, MaxBodyBytes); err != nil {
		return err
	}
	_, t, id, err := s.tenantCaller(r)
	if err != nil {
		return err
	}
	return s.runTenant(w, r, t, id, gated, h)
}

// tenantCaller authenticates the caller of a tenant route, resolves the
// tenant (its status checked) and the caller's role in it (an API key has
// its own tenant and role), and records them for the access log.
func (s *Server) tenantCaller(r *http.Request) (*auth.Principal, *tenantry.Tenant, tenantry.Identity, error) {
	p, err := s.authenticate(r)
	if err != nil {
		return nil, nil, tenantry.Identity{}, err
	}
	t, err := s.resolveTenant(r, p)
	if err != nil {
		return nil, nil, tenantry.Identity{}, err
	}
	id := p.Identity()
	if p.APIKeyID == "" {
		role, err := s.memberRole(r.Context(), t.ID, p.UserID)
		if err != nil {
			return nil, nil, tenantry.Identity{}, err
		}
		id.TenantID, id.Role = t.ID, role
	}
	if info := infoOf(r); info != nil {
		info.tenantID, info.userID, info.apiKeyID = t.ID, id.UserID, id.APIKeyID
	}
	return p, t, id, nil
}

// runTenant is the end of every tenant chain, members' and visitors' alike:
// it applies tenant t's rate limit and in-flight cap, the request deadline
// and (gated) a seat of the fair gate, counts the request in t's usage,
// and calls h with t and id in the context.
func (s *Server) runTenant(w http.ResponseWriter, r *http.Request, t *tenantry.Tenant, id tenantry.Identity, gated bool, h handlerFunc) error {
	if err := s.rateLimitTenant(w, r, t); err != nil {
		return err
	}
	release, err := s.acquireInFlight(t)
	if err != nil {
		return err
	}
	defer release()
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()
	if gated {
		leave, err := s.gate.acquire(ctx, t.ID, s.cfg.QueueTimeout)
		if err != nil {
			return err
		}
		defer leave()
	}
	s.requests.add(t.ID)
	ctx = tenantry.NewContextWithIdentity(s.withTenant(ctx, t), id)
	return h(w, r.WithContext(ctx))
}

// bearer returns the credential of the Authorization header, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return ""
	}
	return strings.TrimSpace(h[7:])
}

// authenticate checks the request's bearer credential (unauthenticated when
// missing or refused). Principals are cached for the cache TTL; a cached
// one past its credential's expiry is checked again, and so refused.
func (s *Server) authenticate(r *http.Request) (*auth.Principal, error) {
	tok := bearer(r)
	if tok == "" {
		return nil, tenantry.Errorf(tenantry.EUNAUTHENTICATED, "Missing or invalid credentials.")
	}
	var key string
	if auth.IsAPIKey(tok) {
		key = auth.HashToken(tok)
	} else {
		// Access tokens are cached by their own text.
		key = "jwt:" + tok
	}
	if p, ok := s.cache.apiKey(key); ok && p.Live(time.Now()) {
		return p, nil
	}
	p, err := s.auth.Authenticate(r.Context(), tok)
	if err != nil {
		return nil, err
	}
	s.cache.putAPIKey(key, p)
	return p, nil
}
