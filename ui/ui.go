// Package ui serves Tenantry's web pages: the tenant dashboard on a tenant's
// host (or under /t/{slug}/) and the platform console on the central host.
// Pages are server-rendered html/template documents that work without
// JavaScript; htmx, when it loads, makes navigation and forms smoother.
// The pages call the same services as the JSON API (the Store handles, the
// auth service and the assistant) and never re-implement their rules.
package ui

import (
	"context"
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
	// Nil: PathResolver(Store) with base domain "localhost".
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
		h.resolve = PathResolver(cfg.Store, "localhost")
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
	q := &request{h: h, w: w}
	t, err := h.resolve(r.WithContext(ctx))
	path := r.URL.Path
	if slug, rest, ok := splitTenantPath(path); ok {
		if t == nil && err == nil {
			err = tenantry.Errorf(tenantry.ETENANTNOTFOUND, "No tenant has this address.")
		} else if t != nil && t.Slug == slug {
			q.base = "/t/" + slug
			path = rest
		}
	} else if t != nil {
		q.hostForm = true
	}
	r2 := r.Clone(ctx)
	r2.URL.Path = path
	r2.URL.RawPath = ""
	q.r = r2
	q.tenant = t
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

// splitTenantPath splits "/t/{slug}/rest" into slug and "/rest".
func splitTenantPath(p string) (slug, rest string, ok bool) {
	if !strings.HasPrefix(p, "/t/") {
		return "", "", false
	}
	s := p[len("/t/"):]
	i := strings.IndexByte(s, '/')
	if i < 0 {
		return s, "/", s != ""
	}
	if i == 0 {
		return "", "", false
	}
	return s[:i], s[i:], true
}

// PathResolver returns a tenant resolver for the UI: a /t/{slug}/ path
// prefix, else the first label of a host under one of baseDomains (ports
// ignored), else a tenant's custom domain; (nil, nil) on the central host.
// It returns suspended tenants as they are; the handler shows them as
// suspended.
func PathResolver(store tenantry.Store, baseDomains ...string) func(r *http.Request) (*tenantry.Tenant, error) {
	return func(r *http.Request) (*tenantry.Tenant, error) {
		ctx := r.Context()
		if slug, _, ok := splitTenantPath(r.URL.Path); ok {
			return bySlug(ctx, store, slug)
		}
		host := tenantry.NormalizeDomain(r.Host)
		for _, base := range baseDomains {
			if host == base {
				return nil, nil
			}
			if label, ok := strings.CutSuffix(host, "."+base); ok && !strings.Contains(label, ".") {
				if tenantry.IsReservedSlug(label) {
					return nil, nil
				}
				return bySlug(ctx, store, label)
			}
		}
		if host == "" || !strings.Contains(host, ".") || isIP(host) {
			return nil, nil
		}
		t, err := store.TenantByDomain(ctx, host)
		if tenantry.IsCode(err, tenantry.ENOTFOUND) || tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
			return nil, nil
		}
		return t, err
	}
}

// bySlug looks a tenant up by slug; an unknown one is tenant_not_found.
func bySlug(ctx context.Context, store tenantry.Store, slug string) (*tenantry.Tenant, error) {
	if !tenantry.ValidSlug(slug) {
		return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "No tenant has this address.")
	}
	t, err := store.TenantBySlug(ctx, slug)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, tenantry.Errorf(tenantry.ETENANTNOTFOUND, "No tenant has this address.")
	}
	return t, err
}

// isIP reports whether host looks like an IPv4 address or IPv6 literal.
func isIP(host string) bool {
	if strings.HasPrefix(host, "[") {
		return true
	}
	return strings.Trim(host, "0123456789.") == ""
}
