// Package http serves the Tenantry JSON API: routes, middleware, tenant
// resolution, authentication, rate limits and metrics.
package http

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/events"
	"github.com/tenantry/tenantry/projects"
)

// Server timeouts and limits.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 120 * time.Second
	MaxHeaderBytes    = 64 << 10
	// MaxBodyBytes is the largest request body accepted (413 above).
	MaxBodyBytes = 1 << 20
	// MaxImportBytes is the largest tenant import accepted.
	MaxImportBytes = 256 << 20
	// DefaultCacheTTL is how long resolved tenants, memberships and API
	// key principals are cached per process.
	DefaultCacheTTL = time.Second
	// DefaultRequestTimeout bounds the work of one tenant request; it is
	// below WriteTimeout, so the work stops before its answer could no
	// longer be written.
	DefaultRequestTimeout = 30 * time.Second
	// DefaultQueueTimeout is how long a tenant request waits for a seat
	// of the fair gate before it is answered 503 with Retry-After.
	DefaultQueueTimeout = 5 * time.Second
)

// Config configures a Server. Store and Auth are required.
type Config struct {
	Store tenantry.Store
	Auth  *auth.Service
	Plans tenantry.Plans
	// Assistant may be nil: chat routes answer 503 unavailable.
	Assistant tenantry.Assistant
	// Limiter may be nil: no rate limits.
	Limiter tenantry.RateLimiter
	// Bus brings the invalidations of the other processes' commits (the
	// database's Bus, with Redis when configured); this process's own
	// come from the Store (Store.OnInvalidation). Nil: one process only.
	Bus    tenantry.Bus
	Logger *slog.Logger
	// Registry receives the metrics; nil makes a new one.
	Registry *prometheus.Registry
	// BaseDomains are the domains whose subdomains name tenants
	// (default ["localhost"]).
	BaseDomains []string
	// CORSOrigins are the browser origins allowed on every route ("*"
	// allows any).
	CORSOrigins []string
	// UI, when set, serves every path that is not an API path.
	UI http.Handler
	// CacheTTL is the lifetime of cached tenants, memberships and API key
	// principals (DefaultCacheTTL).
	CacheTTL time.Duration
	// LoginRatePerIP and LoginRatePerEmail bound sign-in and sign-up
	// attempts (defaults: 20 and 10 a minute); they apply only with a
	// Limiter and no SignInThrottle.
	LoginRatePerIP    *tenantry.Rate
	LoginRatePerEmail *tenantry.Rate
	// MaxActive is how many tenant requests are served at once, shared
	// fairly between tenants: over it, requests wait in their tenant's
	// queue and freed seats go to the waiting tenants in turn (default 4 ×
	// GOMAXPROCS; set it to the store's connection pool size). The chat
	// route, which mostly waits for the model, takes no seat.
	MaxActive int
	// QueueTimeout bounds the wait for a seat (DefaultQueueTimeout).
	QueueTimeout time.Duration
	// RequestTimeout is the deadline of each tenant request's work
	// (DefaultRequestTimeout).
	RequestTimeout time.Duration
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed (none by default).
	TrustedProxies TrustedProxies
	// SignInThrottle bounds sign-in and sign-up attempts; give the UI the
	// same one so that both count against one budget. Nil: a throttle over
	// Limiter with LoginRatePerIP and LoginRatePerEmail.
	SignInThrottle *auth.SignInThrottle
	// PublicRatePerAddress and PublicRatePerTenant bound the public
	// assistant's requests (session starts and chat messages together) per
	// client address within a tenant and per tenant (defaults: 30 a minute
	// with bursts of 10, and 600 a minute with bursts of 100); they apply
	// only with a Limiter, on top of the tenant's own rates.
	PublicRatePerAddress *tenantry.Rate
	PublicRatePerTenant  *tenantry.Rate
	// Routes are a builder's own routes, served inside the same chain as
	// Tenantry's (see Route). A route whose pattern is malformed or taken
	// makes NewServer panic, as http.ServeMux does.
	Routes []Route
	// BrowserSessions, when set, are the web pages' sessions: a password
	// reset through the API signs the user out of every browser too, as
	// the pages' reset does.
	BrowserSessions tenantry.BrowserSessionStore
	// Extensions are the store's extensions, for their usage counters in
	// GET /api/tenant and the admin tenant answer; Tenantry's own projects
	// extension is always among them (projects.With).
	Extensions []tenantry.Extension
	// Events serves GET /api/events; nil answers it 503 unavailable.
	Events *events.Streamer
}

// Server is the HTTP API server.
type Server struct {
	cfg       Config
	store     tenantry.Store
	auth      *auth.Service
	plans     tenantry.Plans
	prepared  projects.Prepared // the projects service's view of plans
	assistant tenantry.Assistant
	logger    *slog.Logger

	cache   *caches
	tenants cachedTenants
	// resolver finds the tenant a request's address names (host, path),
	// over tenants; resolve.go adds the API's own sources.
	resolver tenantry.Resolver
	limits   *limits
	gate     *fairGate
	metrics  *metrics
	requests requestCounts
	registry *prometheus.Registry

	mux *http.ServeMux
	// openAPI and docs are the API's OpenAPI document and HTML reference,
	// builder routes included.
	openAPI, docs []byte
	handler       http.Handler

	mu      sync.Mutex
	srv     *http.Server
	stop    context.CancelFunc
	stopped bool
	// usageDone is closed once the last request counts are written.
	usageDone chan struct{}
}

// NewServer returns a Server for cfg with every route registered. It panics
// when cfg.Store or cfg.Auth is nil, a programming error. Call Close (or
// Shutdown) to stop its cache invalidation subscription.
func NewServer(cfg Config) *Server {
	if cfg.Store == nil || cfg.Auth == nil {
		panic("http: NewServer needs a Store and an Auth service")
	}
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:       cfg,
		store:     cfg.Store,
		auth:      cfg.Auth,
		plans:     cfg.Plans,
		prepared:  projects.Prepare(cfg.Plans),
		assistant: cfg.Assistant,
		logger:    cfg.Logger,
		cache:     newCaches(cfg.CacheTTL),
		limits:    newLimits(),
		gate:      newFairGate(cfg.MaxActive),
		registry:  cfg.Registry,
		mux:       http.NewServeMux(),
	}
	s.tenants = cachedTenants{s}
	s.resolver = tenantry.Resolver{Directory: s.tenants, BaseDomains: cfg.BaseDomains}
	s.registerMetrics()
	s.registerRoutes()
	for _, rt := range cfg.Routes {
		if err := checkRoute(rt); err != nil {
			panic(err)
		}
		s.mux.Handle(rt.Pattern, s.extensionRoute(rt))
	}
	doc, page, err := documents(cfg.Routes)
	if err != nil {
		panic(fmt.Sprintf("http: document the routes: %v", err))
	}
	s.openAPI, s.docs = doc, page
	s.handler = s.middleware(s.mux)
	ctx, cancel := context.WithCancel(context.Background())
	// The store tells this process's commits as they happen, so a change
	// is seen by the very next request.
	stopLocal := cfg.Store.OnInvalidation(s.cache.apply)
	s.stop = func() { stopLocal(); cancel() }
	if cfg.Bus != nil {
		// Subscribe registers before it returns, so no invalidation
		// published after NewServer returns is missed.
		cfg.Bus.Subscribe(ctx, s.cache.apply)
	}
	s.usageDone = make(chan struct{})
	go func() {
		defer close(s.usageDone)
		s.runUsage(ctx)
	}()
	return s
}

// withDefaults returns c with the defaults of the fields left zero, the
// projects extension first among the extensions and the base domains
// normalised.
func (c Config) withDefaults() Config {
	if c.Plans == nil {
		c.Plans = tenantry.DefaultPlans()
	}
	c.Extensions = projects.With(c.Extensions)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if len(c.BaseDomains) == 0 {
		c.BaseDomains = []string{"localhost"}
	}
	bases := make([]string, 0, len(c.BaseDomains))
	for _, d := range c.BaseDomains {
		if d = tenantry.NormalizeDomain(d); d != "" {
			bases = append(bases, d)
		}
	}
	c.BaseDomains = bases
	if c.CacheTTL <= 0 {
		c.CacheTTL = DefaultCacheTTL
	}
	if c.MaxActive <= 0 {
		c.MaxActive = 4 * runtime.GOMAXPROCS(0)
	}
	if c.QueueTimeout <= 0 {
		c.QueueTimeout = DefaultQueueTimeout
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.SignInThrottle == nil {
		c.SignInThrottle = auth.NewSignInThrottle(c.Limiter, auth.ThrottleConfig{
			PerIP: c.LoginRatePerIP, PerEmail: c.LoginRatePerEmail, Logger: c.Logger})
	}
	if c.PublicRatePerAddress == nil {
		c.PublicRatePerAddress = &tenantry.Rate{Events: 30, Per: time.Minute, Burst: 10}
	}
	if c.PublicRatePerTenant == nil {
		c.PublicRatePerTenant = &tenantry.Rate{Events: 600, Per: time.Minute, Burst: 100}
	}
	return c
}

// registerMetrics registers the server's metrics: the request metrics,
// the fair gate's queue and, with event streams, the open streams.
func (s *Server) registerMetrics() {
	s.metrics = newMetrics(s.cfg.Registry)
	register(s.cfg.Registry, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "tenantry_http_queued_requests",
		Help: "Tenant requests waiting for a seat of the fair gate (Config.MaxActive).",
	}, func() float64 { return float64(s.gate.queued()) }))
	if s.cfg.Events != nil {
		register(s.cfg.Registry, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "tenantry_event_streams",
			Help: "Event streams (GET /api/events and the live pages) open in this process.",
		}, func() float64 { return float64(s.cfg.Events.Hub.Streams()) }))
	}
}

// Handler returns the server's root handler: the middleware chain around
// every route.
func (s *Server) Handler() http.Handler { return s.handler }

// Close closes the listening server, if any, at once, stops the cache
// invalidation subscription and writes the request counts not yet written
// (waiting for that at most usageFlushTimeout).
func (s *Server) Close() error {
	s.mu.Lock()
	s.stopped = true
	srv := s.srv
	s.mu.Unlock()
	var err error
	if srv != nil {
		err = srv.Close()
	}
	s.stop()
	ctx, cancel := context.WithTimeout(context.Background(), usageFlushTimeout)
	defer cancel()
	s.waitUsage(ctx)
	return err
}

// waitUsage waits until the last request counts are written or ctx is
// done.
func (s *Server) waitUsage(ctx context.Context) error {
	select {
	case <-s.usageDone:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// httpServer returns a net/http server with the server's timeouts.
func (s *Server) httpServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
}

// Serve answers requests on l until Shutdown or Close. It returns nil
// after a graceful shutdown.
func (s *Server) Serve(l net.Listener) error {
	return s.serve(l, nil, (*http.Server).Serve)
}

// ServeTLS is Serve with TLS (1.2 or later, HTTP/2 offered) on l, with the
// PEM certificate chain and private key in certFile and keyFile. Requests
// on it are secure.
func (s *Server) ServeTLS(l net.Listener, certFile, keyFile string) error {
	return s.serve(l, &tls.Config{MinVersion: tls.VersionTLS12}, func(srv *http.Server, l net.Listener) error {
		return srv.ServeTLS(l, certFile, keyFile)
	})
}

// serve makes the net/http server (with tlsConfig, which may be nil) and
// runs it on l with run.
func (s *Server) serve(l net.Listener, tlsConfig *tls.Config, run func(*http.Server, net.Listener) error) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return http.ErrServerClosed
	}
	s.srv = s.httpServer(l.Addr().String())
	s.srv.TLSConfig = tlsConfig
	srv := s.srv
	s.mu.Unlock()
	if err := run(srv, l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ListenAndServe listens on addr and calls Serve.
func (s *Server) ListenAndServe(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Shutdown stops accepting requests and waits, until ctx is done, for
// those in flight; then it stops the cache invalidation subscription and
// writes the request counts not yet written, so that the store can be
// closed once it returns.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.stopped = true
	srv := s.srv
	s.mu.Unlock()
	var err error
	if srv != nil {
		err = srv.Shutdown(ctx)
	}
	s.stop()
	return errors.Join(err, s.waitUsage(ctx))
}
