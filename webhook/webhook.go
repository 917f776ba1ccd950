// Package webhook is Tenantry's signed webhooks, built as an extension on
// the public API a builder uses: owners and admins of a tenant register
// endpoints (a URL and the event types it wants) and get a signing secret
// once; every event of the tenant's outbox that an endpoint wants is
// delivered to it, signed the Standard Webhooks way (webhook-id,
// webhook-timestamp and webhook-signature headers), retried with
// exponential backoff and jitter, logged per attempt, and the endpoint is
// disabled after repeated failure, with an audit event.
//
// Its tables (webhooks, webhook_deliveries) are declared by Extension and
// reached through TenantStore.Write and Read only; its routes (Routes) run
// in Tenantry's chain; the Dispatcher delivers in the background, per
// tenant, with a cap on each tenant's deliveries in flight.
package webhook

import (
	"crypto/cipher"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/netguard"
)

// Defaults of Config.
const (
	DefaultConcurrency   = 4
	DefaultTimeout       = 10 * time.Second
	DefaultDisableAfter  = 10
	DefaultSweepInterval = 30 * time.Second
	DefaultRetention     = 7 * 24 * time.Hour
)

// DefaultRetries returns the waits before the second to fifth attempts of
// a delivery: 45 s × 4ⁿ, about an hour in all (each one jittered by ±20%).
func DefaultRetries() []time.Duration {
	return []time.Duration{45 * time.Second, 3 * time.Minute, 12 * time.Minute, 48 * time.Minute}
}

// Config configures a server's webhooks. Secret is required; zero values
// take the defaults.
type Config struct {
	// Secret is the server's signing secret (the JWT secret). The key that
	// encrypts the endpoints' signing secrets in the database is derived
	// from it with HKDF-SHA256, so that every process with the same secret
	// can sign, and the key serves nothing else.
	Secret []byte
	// AllowOrigins are the origins (scheme://host[:port], or a bare host
	// for https on 443) that endpoints may name even though they are
	// served over http or on a loopback, private or link-local address.
	// Every other endpoint must be https and is reached only on public
	// addresses, checked when the connection is made.
	AllowOrigins []string
	// Concurrency is how many deliveries of one tenant are in flight at
	// once (DefaultConcurrency); the rest wait in the tenant's queue, the
	// pending rows of webhook_deliveries.
	Concurrency int
	// Timeout bounds one attempt, from dialling to the end of the answer's
	// headers (DefaultTimeout).
	Timeout time.Duration
	// Retries are the waits before each further attempt of a delivery that
	// failed (DefaultRetries(); an empty, non-nil slice: one attempt only).
	Retries []time.Duration
	// Jitter scales each wait by a random factor in [1-Jitter, 1+Jitter)
	// (default 0.2; negative: none).
	Jitter float64
	// DisableAfter is how many deliveries in a row, each having failed
	// every attempt, disable an endpoint (DefaultDisableAfter).
	DisableAfter int
	// SweepInterval is how often the dispatcher walks the tenants for
	// events and due deliveries it was not told of (DefaultSweepInterval).
	SweepInterval time.Duration
	// Retention is how long finished attempts stay in webhook_deliveries
	// (DefaultRetention).
	Retention time.Duration
	// Events returns the outbox of a tenant (default: the tenant handle
	// itself, a tenantry.EventStore).
	Events func(tenantry.TenantStore) tenantry.EventStore
	// Logger receives the dispatcher's database errors (default
	// slog.Default()).
	Logger *slog.Logger
}

// Service is the webhooks of one server: its routes and its dispatcher.
type Service struct {
	cfg     Config
	aead    cipher.AEAD
	allowed map[string]bool
	// public reaches endpoints on public addresses only; operator reaches
	// the origins the operator allowed. Neither follows a redirect.
	public, operator *http.Client
}

// New returns the webhooks of a server configured by cfg; an entry of
// AllowOrigins that is not an origin is an error.
func New(cfg Config) (*Service, error) {
	aead, err := secretCipher(cfg.Secret)
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, aead: aead, allowed: map[string]bool{}, public: netguard.NewClient(true), operator: netguard.NewClient(false)}
	for _, entry := range cfg.AllowOrigins {
		o, err := netguard.ParseOrigin(entry)
		if err != nil {
			return nil, fmt.Errorf("webhook: allowed origin %q: %w", entry, err)
		}
		s.allowed[o] = true
	}
	c := &s.cfg
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Retries == nil {
		c.Retries = DefaultRetries()
	}
	if c.Jitter == 0 {
		c.Jitter = 0.2
	}
	if c.DisableAfter <= 0 {
		c.DisableAfter = DefaultDisableAfter
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = DefaultSweepInterval
	}
	if c.Retention <= 0 {
		c.Retention = DefaultRetention
	}
	if c.Events == nil {
		c.Events = func(ts tenantry.TenantStore) tenantry.EventStore { return ts }
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return s, nil
}

// allowedOrigin reports whether the operator allowed u's origin.
func (s *Service) allowedOrigin(u *url.URL) bool {
	o, ok := netguard.Origin(u)
	return ok && s.allowed[o]
}

// client returns the HTTP client for an endpoint URL: the operator's for
// an allowed origin, else the one that reaches public addresses only.
func (s *Service) client(raw string) (*http.Client, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("webhook: stored URL does not parse")
	}
	if s.allowedOrigin(u) {
		return s.operator, nil
	}
	return s.public, nil
}

// Webhook is a registered endpoint, as GET /api/webhooks shows it: never
// with its secret.
type Webhook struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	// Enabled is false once the endpoint is disabled, by a member or after
	// DisableAfter failed deliveries in a row; nothing is delivered to it
	// until it is enabled again (PATCH {"enabled": true}).
	Enabled        bool       `json:"enabled"`
	DisabledAt     *time.Time `json:"disabled_at"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	// Failures counts the deliveries in a row that failed every attempt.
	Failures  int       `json:"consecutive_failures"`
	CreatedAt time.Time `json:"created_at"`
}

// Created is the answer of POST /api/webhooks: the endpoint and its
// signing secret, shown this once.
type Created struct {
	Webhook
	// Secret is "whsec_" and the base64 of 32 random bytes; the HMAC key
	// is the base64-decoded part after the prefix.
	Secret string `json:"secret"`
}

// Input is the body of POST /api/webhooks.
type Input struct {
	// URL is https (or http on an origin the operator allows).
	URL string `json:"url"`
	// Events are event types (project.created, member.removed, ...) or
	// "*" alone for every type.
	Events []string `json:"events"`
}

// Patch is the body of PATCH /api/webhooks/{id}.
type Patch struct {
	// Enabled enables (true: the failure count starts again and events
	// from now on are delivered) or disables the endpoint.
	Enabled *bool `json:"enabled"`
}
