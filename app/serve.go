package app

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	goredis "github.com/redis/go-redis/v9"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/events"
	tenantryhttp "github.com/tenantry/tenantry/http"
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/mail"
	"github.com/tenantry/tenantry/openai"
	"github.com/tenantry/tenantry/redis"
	"github.com/tenantry/tenantry/registry"
	"github.com/tenantry/tenantry/ui"
	"github.com/tenantry/tenantry/webhook"
)

// defaultCacheTTL is the default --cache-ttl. Invalidations reach every
// process through the database (and Redis, when set), so the TTL only
// bounds how stale a cached entry gets while they cannot.
const defaultCacheTTL = 60 * time.Second

// serveConfig is the configuration of "tenantry serve".
type serveConfig struct {
	store       *storeFlags
	addr        string
	redisURL    string
	baseDomains string
	seed        string
	corsOrigins string
	plansFile   string
	logLevel    string
	cacheTTL    time.Duration
	debugAddr   string
	maxActive   int
	// memLimit is the soft memory limit (--memory-limit, GOMEMLIMIT);
	// hashSlots and collectAfterHash, the password hashing sized to fit in
	// it (hashBudget).
	memLimit         memoryLimit
	hashSlots        int
	collectAfterHash bool
	// trustedProxies is the parsed --trusted-proxies.
	trustedProxies tenantryhttp.TrustedProxies
	// tlsCert and tlsKey, both or neither, make the server listen with TLS.
	tlsCert     string
	tlsKey      string
	sessionIdle time.Duration
	mail        *mailFlags
	webhooks    *webhookFlags
	events      *eventFlags
}

func (e *environment) parseServe(args []string) (*serveConfig, error) {
	fs := e.newFlagSet("tenantry serve")
	c := &serveConfig{store: e.addStoreFlags(fs)}
	fs.StringVar(&c.addr, "addr", e.env("TENANTRY_ADDR", ":8080"), "listen address (TENANTRY_ADDR)")
	fs.StringVar(&c.redisURL, "redis-url", e.getenv("REDIS_URL"), "Redis URL: shared rate limits and cache invalidation across processes (REDIS_URL)")
	fs.StringVar(&c.baseDomains, "base-domain", e.env("TENANTRY_BASE_DOMAIN", "localhost"), "comma-separated base domains whose subdomains are tenants (TENANTRY_BASE_DOMAIN)")
	fs.StringVar(&c.seed, "seed", e.getenv("TENANTRY_SEED"), "a tenants.jsonl registry of tenants to create or update at start (TENANTRY_SEED)")
	fs.StringVar(&c.corsOrigins, "cors-origins", e.getenv("TENANTRY_CORS_ORIGINS"), "comma-separated browser origins allowed by CORS (TENANTRY_CORS_ORIGINS)")
	fs.StringVar(&c.plansFile, "plans", e.getenv("TENANTRY_PLANS"), "a JSON file of plans overriding the default limits and features (TENANTRY_PLANS)")
	fs.StringVar(&c.logLevel, "log-level", e.env("TENANTRY_LOG_LEVEL", "info"), "debug, info, warn or error (TENANTRY_LOG_LEVEL)")
	fs.IntVar(&c.maxActive, "max-active", 0, "tenant requests served at once, shared fairly between tenants; others wait in their tenant's queue (default: the database connection pool size)")
	fs.StringVar(&c.debugAddr, "debug-addr", e.getenv("TENANTRY_DEBUG_ADDR"), "listen address of the Go profiler (/debug/pprof/), off when empty; keep it on loopback (TENANTRY_DEBUG_ADDR)")
	fs.DurationVar(&c.cacheTTL, "cache-ttl", 0, "how long each process caches tenants, memberships and credentials (default 60s); changes reach every process through the database within about 250ms (at once through --redis-url), so the TTL only bounds staleness while the database cannot be polled (TENANTRY_CACHE_TTL)")
	trusted := fs.String("trusted-proxies", e.getenv("TENANTRY_TRUSTED_PROXIES"), "comma-separated IPs and CIDRs of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed; default none (TENANTRY_TRUSTED_PROXIES)")
	fs.StringVar(&c.tlsCert, "tls-cert", e.getenv("TENANTRY_TLS_CERT"), "PEM certificate chain file: listen with TLS (with --tls-key) (TENANTRY_TLS_CERT)")
	fs.StringVar(&c.tlsKey, "tls-key", e.getenv("TENANTRY_TLS_KEY"), "PEM private key file of --tls-cert (TENANTRY_TLS_KEY)")
	memLimit := fs.String("memory-limit", e.getenv("TENANTRY_MEMORY_LIMIT"), "soft memory limit of the Go runtime, in GOMEMLIMIT's syntax (64MiB, 1GiB, off); the collector works harder near it, and the password-hashing slots are sized to fit in it; ignored when GOMEMLIMIT is set (default "+formatBytes(defaultMemoryLimit)+") (TENANTRY_MEMORY_LIMIT)")
	fs.DurationVar(&c.sessionIdle, "session-idle", 0, "how long a browser session of the web pages lives without a request (default 12h); sessions live in Redis with --redis-url, else in the database (TENANTRY_SESSION_IDLE)")
	c.mail = e.addMailFlags(fs)
	c.webhooks = e.addWebhookFlags(fs)
	c.events = e.addEventFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := c.events.parse(e); err != nil {
		return nil, err
	}
	tp, err := tenantryhttp.ParseTrustedProxies(*trusted)
	if err != nil {
		return nil, fmt.Errorf("--trusted-proxies: %w", err)
	}
	c.trustedProxies = tp
	if c.memLimit, err = chooseMemoryLimit(*memLimit, e.getenv); err != nil {
		return nil, err
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return nil, errors.New("set both --tls-cert and --tls-key (TENANTRY_TLS_CERT, TENANTRY_TLS_KEY), or neither")
	}
	if err := e.parseSessionIdle(c); err != nil {
		return nil, err
	}
	if c.cacheTTL == 0 {
		if v := e.getenv("TENANTRY_CACHE_TTL"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("TENANTRY_CACHE_TTL: want a positive duration such as 5s, got %q", v)
			}
			c.cacheTTL = d
		}
	}
	if c.cacheTTL < 0 {
		return nil, errors.New("--cache-ttl must be positive")
	}
	if c.cacheTTL == 0 {
		c.cacheTTL = defaultCacheTTL
	}
	if c.maxActive < 0 {
		return nil, errors.New("--max-active must be positive")
	}
	return c, nil
}

// runServe runs the server until ctx is done, then shuts down gracefully.
func runServe(ctx context.Context, env *environment, args []string) error {
	c, err := env.parseServe(args)
	if err != nil {
		return err
	}
	logger, err := c.logger(env)
	if err != nil {
		return err
	}
	// First, so that the start (migrations, the first hashes) runs under
	// the limit too; restored when serve returns, for a process that goes
	// on (tests, a builder's main).
	limit, previous := c.memLimit.apply(env.setMemoryLimit)
	defer env.setMemoryLimit(previous)
	gc := chooseGCPercent(limit, env.getenv)
	if gc.percent != 0 && env.setGCPercent != nil {
		defer env.setGCPercent(env.setGCPercent(gc.percent))
	}
	c.hashSlots, c.collectAfterHash = hashBudget(limit, auth.DefaultParams(), runtime.GOMAXPROCS(0))
	c.logMemoryLimit(env, limit, gc, logger)

	plans, provs, err := c.plansAndProviders(env)
	if err != nil {
		return err
	}
	db, err := c.store.open(ctx, plans)
	if err != nil {
		return err
	}
	defer db.Close()

	secret, err := jwtSecret(env, c.store.data)
	if err != nil {
		return err
	}
	hooks, err := c.webhooks.webhooks(secret, logger)
	if err != nil {
		return err
	}
	authSvc, closeMail, err := c.auth(ctx, env, db, secret, logger)
	if err != nil {
		return err
	}
	defer closeMail()
	// Invalidations always travel through the database, so that every
	// server and every CLI command on it reaches every server; Redis, when
	// set, adds the fast path.
	dbBus, err := databaseBus(db, logger)
	if err != nil {
		return err
	}
	if c.seed != "" {
		// What the seed changes, the store announces to the other
		// servers (the invalidations outbox).
		if _, err := seed(ctx, db, authSvc, c.seed, splitList(c.baseDomains), logger); err != nil {
			return err
		}
	}

	reg := c.metrics(db)
	sh, err := c.share(ctx, db, dbBus, reg, logger)
	if err != nil {
		return err
	}
	defer sh.close()
	eventsCtx, stopEvents := context.WithCancel(context.WithoutCancel(ctx))
	defer stopEvents()
	streams := startEvents(eventsCtx, db, sh.bus, sh.redis, c.events,
		tenantry.DefaultEventRoles().WithExtensions(env.opts.Extensions), logger)

	// One sign-in throttle for the API and the pages: one budget per
	// client address and per e-mail address whichever way a client tries.
	throttle := auth.NewSignInThrottle(sh.limiter, auth.ThrottleConfig{Logger: logger})

	asst := assistant.New(db, plans, sh.limiter, provs, assistant.WithLogger(logger))
	srv := c.server(env, &serveParts{db: db, auth: authSvc, plans: plans, assistant: asst, sharing: sh, throttle: throttle,
		secret: secret, streams: streams, hooks: hooks, registry: reg, logger: logger})

	return c.listenAndServe(ctx, srv, db, hooks, streams, stopEvents, logger)
}

// plansAndProviders loads the plans, with the extensions' limits, and the
// assistant's providers: configuration, refused before the store is
// opened, so a bad setting leaves nothing running.
func (c *serveConfig) plansAndProviders(env *environment) (tenantry.Plans, assistant.Providers, error) {
	plans, err := loadPlans(c.plansFile)
	if err != nil {
		return tenantry.Plans{}, nil, err
	}
	provs, err := providers(env)
	return plans.WithExtensions(env.opts.Extensions), provs, err
}

// listenAndServe listens on --addr (and --debug-addr), runs the webhook
// deliveries beside the server, and serves until ctx is done.
func (c *serveConfig) listenAndServe(ctx context.Context, srv *tenantryhttp.Server, db database, hooks *webhook.Service,
	streams *events.Streamer, stopEvents func(), logger *slog.Logger) error {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	if c.debugAddr != "" {
		stop, err := listenDebug(c.debugAddr, logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	// Webhook deliveries run beside the server and stop after it (before
	// the store closes): those in flight finish, or are released.
	dispatcher := hooks.Dispatcher(db)
	dispatcher.Start()
	defer closeDispatcher(dispatcher, logger)
	// This process's commits wake their tenant's deliveries at once; the
	// dispatcher's walk finds the rest (the CLI's, a lost process's).
	streams.Hub.OnCommit(dispatcher.Notify)
	logger.Info("tenantry listening", "addr", ln.Addr().String(), "backend", backendName(c.store), "tls", c.tlsCert != "")
	return c.serveUntilDone(ctx, srv, ln, stopEvents, logger)
}

// serveParts are what runServe made that the web server stands on.
type serveParts struct {
	db        database
	auth      *auth.Service
	plans     tenantry.Plans
	assistant *assistant.Service
	sharing   *sharing
	throttle  *auth.SignInThrottle
	secret    []byte
	streams   *events.Streamer
	hooks     *webhook.Service
	registry  *prometheus.Registry
	logger    *slog.Logger
}

// server returns the JSON API with the pages under it. The pages resolve
// tenants through the API server's own resolver and caches.
func (c *serveConfig) server(env *environment, p *serveParts) *tenantryhttp.Server {
	var srv *tenantryhttp.Server // set before the first request arrives
	pages := ui.New(ui.Config{
		Store:         p.db,
		Auth:          p.auth,
		Plans:         p.plans,
		Extensions:    env.opts.Extensions,
		Assistant:     p.assistant,
		ResolveTenant: func(r *http.Request) (*tenantry.Tenant, error) { return srv.ResolvePageTenant(r) },
		CountRequest:  func(tenantID string) { srv.CountRequest(tenantID) },
		Logger:        p.logger,
		Sessions:      p.sharing.sessions,
		Limiter:       p.sharing.limiter,
		// SignInThrottle is the API's: one budget for both.
		SignInThrottle: p.throttle,
		IdleTimeout:    c.sessionIdle,
		Secret:         p.secret,
		BaseDomains:    splitList(c.baseDomains),
		Events:         p.streams,
	})
	srv = tenantryhttp.NewServer(tenantryhttp.Config{
		Store:       p.db,
		Auth:        p.auth,
		Plans:       p.plans,
		Assistant:   p.assistant,
		UI:          pages,
		Limiter:     p.sharing.limiter,
		Bus:         p.sharing.bus,
		Logger:      p.logger,
		Registry:    p.registry,
		BaseDomains: splitList(c.baseDomains),
		CORSOrigins: splitList(c.corsOrigins),
		CacheTTL:    c.cacheTTL,
		MaxActive:   c.maxActive,
		// TrustedProxies and SignInThrottle decide the client address
		// and scheme, and its sign-in budget.
		TrustedProxies: c.trustedProxies,
		SignInThrottle: p.throttle,
		// A reset through the API signs the user's browsers out too.
		BrowserSessions: p.sharing.sessions,
		Routes:          webhookRoutes(p.hooks, env.opts.Routes),
		Extensions:      env.opts.Extensions,
		Events:          p.streams,
	})
	return srv
}

// logger returns the server's JSON logger at --log-level, after checking
// the --tls-cert/--tls-key pair at start rather than at the first
// connection.
func (c *serveConfig) logger(env *environment) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	if c.tlsCert != "" {
		if _, err := tls.LoadX509KeyPair(c.tlsCert, c.tlsKey); err != nil {
			return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
	}
	return slog.New(slog.NewJSONHandler(env.stderr, &slog.HandlerOptions{Level: level})), nil
}

// auth returns the sign-in service, its mail leaving through a background
// queue (closeMail waits for it at shutdown), after making the platform
// admin the environment names, if any.
func (c *serveConfig) auth(ctx context.Context, env *environment, db database, secret []byte, logger *slog.Logger) (_ *auth.Service, closeMail func(), _ error) {
	publicURL, err := c.mail.resolvePublicURL(c.addr)
	if err != nil {
		return nil, nil, err
	}
	queue, closeMail, err := c.mailQueue(logger)
	if err != nil {
		return nil, nil, err
	}
	svc := auth.New(db, auth.Config{Secret: secret, Mailer: queue, PublicURL: publicURL, Logger: logger,
		HashSlots: c.hashSlots, CollectAfterHash: c.collectAfterHash})
	if err := bootstrapAdmin(ctx, env, svc, logger); err != nil {
		closeMail()
		return nil, nil, err
	}
	return svc, closeMail, nil
}

// logMemoryLimit logs the memory limit in force, where it and the GC
// percent come from, and the password-hashing slots sized from it.
func (c *serveConfig) logMemoryLimit(env *environment, limit int64, gc gcSetting, logger *slog.Logger) {
	if c.memLimit.ignoredFlag != "" {
		logger.Warn("--memory-limit (TENANTRY_MEMORY_LIMIT) is ignored: GOMEMLIMIT is set", "memory_limit", c.memLimit.ignoredFlag, "GOMEMLIMIT", env.getenv("GOMEMLIMIT"))
	}
	logger.Info("memory limit", "limit", formatBytes(limit), "limit_bytes", limit, "source", c.memLimit.source,
		"gc_percent", gc.text, "gc_source", gc.source,
		"hash_slots", c.hashSlots, "collect_after_hash", c.collectAfterHash)
}

// metrics returns the registry of the server's metrics, with the Go
// runtime's, the process's and db's pool; --max-active defaults to one
// seat per pooled connection, so that an admitted request finds one.
func (c *serveConfig) metrics(db database) *prometheus.Registry {
	if c.maxActive == 0 {
		c.maxActive = db.Stats().Max
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), newPoolCollector(db.Stats))
	return reg
}

// mailQueue returns the queue mail leaves through in the background, so
// that no request waits for the mail server, and the function that waits
// a little for what is queued at shutdown.
func (c *serveConfig) mailQueue(logger *slog.Logger) (*mail.Queue, func(), error) {
	sink, err := c.mail.mailer(logger)
	if err != nil {
		return nil, nil, err
	}
	q := mail.NewQueue(sink, logger, 0)
	return q, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Close(ctx); err != nil {
			logger.Error("mail queue not drained", "error", err.Error())
		}
	}, nil
}

// sharing is what the server's processes share: rate limits, the bus,
// browser sessions and, when set, the Redis client that carries them.
type sharing struct {
	limiter  tenantry.RateLimiter
	bus      tenantry.Bus
	sessions tenantry.BrowserSessionStore
	redis    *goredis.Client
	close    func()
}

// share returns what the processes share: through the database (dbBus,
// browser sessions in a table) and per-process rate limits without Redis;
// through Redis, with the database bus kept as the durable path and this
// process's commits relayed to Redis, with --redis-url.
func (c *serveConfig) share(ctx context.Context, db database, dbBus tenantry.Bus, reg *prometheus.Registry, logger *slog.Logger) (*sharing, error) {
	sessions, err := browserSessions(db, c.sessionIdle)
	if err != nil {
		return nil, err
	}
	sh := &sharing{limiter: inmem.NewRateLimiter(inmem.RateLimiterOptions{}), bus: dbBus, sessions: sessions, close: func() {}}
	if c.redisURL == "" {
		return sh, nil
	}
	client, err := redis.Open(c.redisURL)
	if err != nil {
		return nil, err
	}
	if err := redis.Ping(ctx, client); err != nil {
		// Not fatal: the limiter falls back per process and comes back by
		// itself, and invalidations still travel through the database.
		logger.Warn("Redis is not reachable at start; serving with per-process rate limits and database invalidations until it answers", "error", err.Error())
	}
	if sh.limiter, err = redis.NewRateLimiter(client, sh.limiter, redis.RateLimiterOptions{Registry: reg, Logger: logger}); err != nil {
		client.Close()
		return nil, err
	}
	redisBus := redis.NewBus(client, "tenantry:invalidations", logger)
	go relay(ctx, db, redisBus, logger)
	sh.bus, sh.redis = fanout{redisBus, dbBus}, client
	sh.sessions = redis.NewSessionStore(client, "tenantry:session:", c.sessionIdle)
	sh.close = func() { client.Close() }
	logger.Info("sharing rate limits, cache invalidation, browser sessions, event notifications and presence through Redis")
	return sh, nil
}

// serveUntilDone serves on ln until the server fails or ctx is done, then
// ends the event streams (they never end by themselves) and shuts down
// gracefully, waiting at most 20 seconds.
func (c *serveConfig) serveUntilDone(ctx context.Context, srv *tenantryhttp.Server, ln net.Listener, stopEvents func(), logger *slog.Logger) error {
	errc := make(chan error, 1)
	go func() {
		if c.tlsCert != "" {
			errc <- srv.ServeTLS(ln, c.tlsCert, c.tlsKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	stopEvents()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func backendName(sf *storeFlags) string {
	if sf.databaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// jwtSecret returns TENANTRY_JWT_SECRET, or the secret generated into the
// data directory on first start.
func jwtSecret(env *environment, dataDir string) ([]byte, error) {
	if s := env.getenv("TENANTRY_JWT_SECRET"); s != "" {
		if len(s) < 32 {
			return nil, errors.New("TENANTRY_JWT_SECRET must be at least 32 characters")
		}
		return []byte(s), nil
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return auth.LoadOrCreateSecret(dataDir)
}

// bootstrapAdmin creates the first platform admin from the environment.
func bootstrapAdmin(ctx context.Context, env *environment, a *auth.Service, logger *slog.Logger) error {
	email, password := env.getenv("TENANTRY_ADMIN_EMAIL"), env.getenv("TENANTRY_ADMIN_PASSWORD")
	if email == "" && password == "" {
		return nil
	}
	if email == "" || password == "" {
		return errors.New("set both TENANTRY_ADMIN_EMAIL and TENANTRY_ADMIN_PASSWORD, or neither")
	}
	u, created, err := a.EnsurePlatformAdmin(ctx, email, password, "Platform admin")
	if err != nil {
		return fmt.Errorf("platform admin %s: %w", email, describe(err))
	}
	if created {
		logger.Info("created platform admin", "email", u.Email, "user_id", u.ID)
	}
	return nil
}

// seed applies a tenants.jsonl registry, owners included (an unknown
// owner_email is invited through inv, which e-mails it); a bad line aborts
// the start. It reports whether any tenant or membership was created or
// changed.
func seed(ctx context.Context, db tenantry.Store, inv registry.Inviter, path string, baseDomains []string, logger *slog.Logger) (changed bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("--seed: %w", err)
	}
	defer f.Close()
	entries, err := registry.Parse(f)
	if err != nil {
		return false, fmt.Errorf("--seed %s: %w", path, describe(err))
	}
	created, updated, err := registry.Apply(ctx, db.Platform(), db, entries, baseDomains...)
	if err != nil {
		return created+updated > 0, fmt.Errorf("--seed %s: %w", path, describe(err))
	}
	logger.Info("seeded tenants", "file", path, "created", created, "updated", updated)
	owners, err := registry.ApplyOwners(ctx, db, inv, entries)
	for _, o := range owners {
		if o.Member != nil {
			logger.Info("seeded owner", "tenant", o.Slug, "email", o.Email, "user_id", o.Member.UserID)
		} else {
			logger.Info("seeded owner invited by e-mail", "tenant", o.Slug, "email", o.Email, "invitation_id", o.Invitation.ID)
		}
	}
	changed = created+updated+len(owners) > 0
	if err != nil {
		return changed, fmt.Errorf("--seed %s: %w", path, describe(err))
	}
	return changed, nil
}

// loadPlans returns the default plans, overridden by a JSON file of the
// form {"free": {"limits": {"max_projects": 5}, "features": ["api"]}}.
func loadPlans(path string) (tenantry.Plans, error) {
	plans := tenantry.DefaultPlans()
	if path == "" {
		return plans, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--plans: %w", err)
	}
	var override map[string]tenantry.Plan
	if err := json.Unmarshal(data, &override); err != nil {
		return nil, fmt.Errorf("--plans %s: %w", path, err)
	}
	for name, o := range override {
		p := plans[name]
		p.Name = name
		if p.Limits == nil {
			p.Limits = tenantry.Limits{}
		}
		for k, v := range o.Limits {
			p.Limits[k] = v
		}
		if o.Features != nil {
			p.Features = o.Features
		}
		plans[name] = p
	}
	return plans, nil
}

// providers returns the assistant's remote providers: any
// OpenAI-compatible chat-completions endpoint, configured globally by
// TENANTRY_OPENAI_BASE_URL and TENANTRY_OPENAI_API_KEY. A tenant's own base
// URL must be on an origin listed in TENANTRY_OPENAI_ALLOWED_HOSTS
// (scheme://host[:port], or a bare host for https on port 443; default:
// the global endpoint's origin), so that a tenant cannot make the server
// call arbitrary addresses; an entry that is not an origin is an error.
func providers(env *environment) (assistant.Providers, error) {
	cfg := openai.Config{
		BaseURL: env.env("TENANTRY_OPENAI_BASE_URL", "https://api.openai.com/v1"),
		APIKey:  env.getenv("TENANTRY_OPENAI_API_KEY"),
	}
	r := openai.NewResolver(cfg, env.getenv)
	for _, entry := range splitList(env.getenv("TENANTRY_OPENAI_ALLOWED_HOSTS")) {
		o, err := openai.ParseOrigin(entry)
		if err != nil {
			return nil, fmt.Errorf("TENANTRY_OPENAI_ALLOWED_HOSTS: %q: %w", entry, err)
		}
		r.AllowedOrigins = append(r.AllowedOrigins, o)
	}
	if len(r.AllowedOrigins) == 0 {
		o, ok := openai.BaseOrigin(cfg.BaseURL)
		if !ok {
			return nil, errors.New("TENANTRY_OPENAI_BASE_URL is not an absolute http or https URL")
		}
		r.AllowedOrigins = []string{o}
	}
	return assistant.Providers{assistant.ProviderOpenAI: r.Provider}, nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
