// Package ui serves Tenantry's web pages: the tenant dashboard on a tenant's
// host (or under /t/{slug}/) and the platform console on the central host.
// Pages are server-rendered html/template documents that work without
// JavaScript; htmx, when it loads, makes navigation and forms smoother.
// The pages call the same services as the JSON API (the Store handles, the
// auth service and the assistant) and never re-implement their rules.
package ui

import (
	"embed"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/events"
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/projects"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// maxFormSize bounds a submitted form.
const maxFormSize = 1 << 20

// Config is what a Handler needs. Store, Auth and Plans are required.
type Config struct {
	Store     tenantry.Store
	Auth      *auth.Service
	Plans     tenantry.Plans
	Assistant tenantry.Assistant
	// Extensions are the store's extensions, for the usage counts;
	// Tenantry's own projects extension is always among them.
	Extensions []tenantry.Extension
	// Sessions keeps browser sessions, which exist from sign-in on only
	// (nil: in this process's memory, see inmem.BrowserSessions). Its idle
	// timeout must be IdleTimeout.
	Sessions tenantry.BrowserSessionStore
	// IdleTimeout is how long a browser session lives without a request
	// (DefaultIdleTimeout when 0).
	IdleTimeout time.Duration
	// Secret is the server's signing secret; the key of the CSRF tokens is
	// derived from it (HKDF), so that every process sharing it accepts the
	// others' forms. Nil: a random key of this Handler.
	Secret []byte
	// ResolveTenant returns the tenant of a request, from its host or a
	// /t/{slug}/ path prefix, and (nil, nil) on the central host. Its
	// errors are tenantry errors (tenant_not_found, tenant_suspended...).
	// The server passes the JSON API's (http.Server.ResolvePageTenant).
	// Nil: the same tenantry.Resolver over Store, with base domain
	// "localhost".
	ResolveTenant func(r *http.Request) (*tenantry.Tenant, error)
	Logger        *slog.Logger
	// Secure makes cookies Secure (and named __Host-tenantry_session); it
	// is also true for a request that came over TLS.
	Secure bool
	// Limiter, when set, bounds sign-in and sign-up attempts per client IP
	// and per e-mail address, as the JSON API does, unless SignInThrottle
	// is set.
	Limiter tenantry.RateLimiter
	// SignInThrottle bounds sign-in and sign-up attempts; give it the JSON
	// API's throttle so that both count against one budget. Nil: a
	// throttle over Limiter with the default budgets.
	SignInThrottle *auth.SignInThrottle
	// CountRequest, when set, counts a page served to a member of a tenant
	// in the tenant's usage, as the JSON API counts its requests (the
	// server passes its own counter).
	CountRequest func(tenantID string)
	// BaseDomains are the server's base domains (nil: "localhost"); the
	// console refuses a custom domain that is one or under one.
	BaseDomains []string
	// Events serves the pages' live updates (GET /events); nil leaves the
	// pages static.
	Events *events.Streamer
}

// baseDomains returns the configured base domains, or "localhost".
func (h *Handler) baseDomains() []string {
	if len(h.cfg.BaseDomains) == 0 {
		return []string{"localhost"}
	}
	return h.cfg.BaseDomains
}

// Handler serves the web UI. It is an http.Handler.
type Handler struct {
	cfg       Config
	prepared  projects.Prepared // the projects service's view of the plans
	sessions  tenantry.BrowserSessionStore
	idle      time.Duration
	csrfKey   []byte
	resolve   func(r *http.Request) (*tenantry.Tenant, error)
	logger    *slog.Logger
	pages     map[string]*pageTemplate
	static    http.Handler
	now       func() time.Time
	routes    *http.ServeMux
	centralMx *http.ServeMux
}

// New returns a Handler for cfg. It panics when the embedded templates do
// not parse, a programming error.
func New(cfg Config) *Handler {
	cfg.Extensions = projects.With(cfg.Extensions)
	h := &Handler{cfg: cfg, prepared: projects.Prepare(cfg.Plans), sessions: cfg.Sessions, idle: cfg.IdleTimeout, csrfKey: csrfKey(cfg.Secret),
		resolve: cfg.ResolveTenant, logger: cfg.Logger, now: time.Now}
	if h.idle <= 0 {
		h.idle = DefaultIdleTimeout
	}
	if h.sessions == nil {
		h.sessions = inmem.NewBrowserSessions(0, h.idle)
	}
	if h.resolve == nil {
		rs := tenantry.Resolver{Directory: cfg.Store, BaseDomains: []string{"localhost"}}
		h.resolve = func(r *http.Request) (*tenantry.Tenant, error) { return rs.Address(r.Context(), r.Host, r.URL.Path) }
	}
	if h.logger == nil {
		h.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if h.cfg.Plans == nil {
		h.cfg.Plans = tenantry.DefaultPlans()
	}
	if h.cfg.SignInThrottle == nil {
		h.cfg.SignInThrottle = auth.NewSignInThrottle(cfg.Limiter, auth.ThrottleConfig{Logger: h.logger})
	}
	pages, err := parsePages()
	if err != nil {
		panic(err)
	}
	h.pages = pages
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	h.static = staticFiles{fsys: sub}
	h.routes = h.tenantRoutes()
	h.centralMx = h.centralRoutes()
	return h
}

// ServeHTTP resolves the tenant, strips a /t/{slug} prefix, loads the
// browser session, checks the CSRF token of every POST and dispatches.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	if strings.HasPrefix(r.URL.Path, "/static/") {
		hdr.Set("Cache-Control", "public, max-age=3600")
		h.static.ServeHTTP(w, r)
		return
	}
	hdr.Set("Cache-Control", "no-store")
	ctx := r.Context()
	if tenantry.RequestIDFromContext(ctx) == "" {
		ctx = tenantry.NewContextWithRequestID(ctx, tenantry.NewID())
	}
	q, err := h.newRequest(w, r.WithContext(ctx))
	t, r2, path := q.tenant, q.r, q.r.URL.Path
	if err != nil {
		h.fail(q, err)
		return
	}
	if err := q.loadUser(); err != nil {
		h.fail(q, err)
		return
	}
	if err := tenantry.ValidQuery(r2.URL.Query()); err != nil {
		h.fail(q, err)
		return
	}
	mux := h.centralMx
	if t != nil {
		mux = h.routes
	}
	if h.noPage(q, mux) {
		return
	}
	if r.Method == http.MethodPost {
		if err := q.readForm(); err != nil {
			h.fail(q, err)
			return
		}
	}
	if t != nil {
		if uerr := t.Usable(); uerr != nil && !(path == "/logout" && r.Method == http.MethodPost) {
			h.fail(q, uerr)
			return
		}
	}
	mux.ServeHTTP(w, r2.WithContext(withRequest(r2.Context(), q)))
}

// newRequest resolves r's tenant, binds its handle, and strips the
// /t/{slug} prefix (a slug in any case, or the tenant's id) from the path
// of the request it keeps, noting the prefix for links; a prefix naming no
// tenant is tenant_not_found.
func (h *Handler) newRequest(w http.ResponseWriter, r *http.Request) (*request, error) {
	q := &request{h: h, w: w}
	t, err := h.resolve(r)
	path := r.URL.Path
	if slug, rest, ok := tenantry.SplitTenantPath(path); ok {
		if t == nil && err == nil {
			err = tenantry.ErrNoTenant()
		} else if t != nil && (strings.EqualFold(t.Slug, slug) || slug == t.ID) {
			q.base = "/t/" + t.Slug
			path = rest
		}
	} else if t != nil {
		q.hostForm = true
	}
	q.r = r.Clone(r.Context())
	q.r.URL.Path = path
	q.r.URL.RawPath = ""
	q.tenant = t
	if t != nil {
		q.store = h.cfg.Store.Tenant(t.ID)
	}
	return q, err
}

// readForm reads a POST's form, at most maxFormSize bytes, and checks its
// CSRF token (forbidden when it expired or came from another site) and its
// text.
func (q *request) readForm() error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, maxFormSize)
	if err := q.r.ParseForm(); err != nil {
		return tenantry.Errorf(tenantry.EBADREQUEST, "The form could not be read.")
	}
	if !q.validCSRF(q.r.PostForm.Get("csrf")) {
		return tenantry.Errorf(tenantry.EFORBIDDEN, "Your form expired or came from another site. Reload the page and try again.")
	}
	return tenantry.ValidForm(q.r.PostForm)
}
