package app

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"slices"
	"time"

	"github.com/tenantry/tenantry"
	tenantryhttp "github.com/tenantry/tenantry/http"
	"github.com/tenantry/tenantry/webhook"
)

// webhookCloseTimeout is how long shutdown waits for deliveries in flight
// before it cuts them short and releases them for the next start.
const webhookCloseTimeout = 10 * time.Second

// withWebhooks returns exts with Tenantry's own webhooks extension first,
// unless a builder already declared it.
func withWebhooks(exts []tenantry.Extension) []tenantry.Extension {
	w := webhook.Extension()
	if slices.ContainsFunc(exts, func(e tenantry.Extension) bool { return e.Name == w.Name }) {
		return exts
	}
	return append([]tenantry.Extension{w}, exts...)
}

// webhookFlags are serve's webhook flags.
type webhookFlags struct {
	allowOrigins string
	concurrency  int
	disableAfter int
}

func (e *environment) addWebhookFlags(fs *flag.FlagSet) *webhookFlags {
	wf := &webhookFlags{}
	fs.StringVar(&wf.allowOrigins, "webhook-allow-origins", e.getenv("TENANTRY_WEBHOOK_ALLOW_ORIGINS"), "comma-separated origins (scheme://host[:port]) that webhook endpoints may name over http or on loopback, private or link-local addresses; every other endpoint is https on public addresses only (TENANTRY_WEBHOOK_ALLOW_ORIGINS)")
	fs.IntVar(&wf.concurrency, "webhook-concurrency", 0, "webhook deliveries of one tenant in flight at once; the rest wait in the tenant's queue (default 4)")
	fs.IntVar(&wf.disableAfter, "webhook-disable-after", 0, "deliveries in a row that failed every attempt before a webhook endpoint is disabled (default 10)")
	return wf
}

// webhooks returns the server's webhooks: their key derived from secret.
func (wf *webhookFlags) webhooks(secret []byte, logger *slog.Logger) (*webhook.Service, error) {
	if wf.concurrency < 0 || wf.disableAfter < 0 {
		return nil, errors.New("--webhook-concurrency and --webhook-disable-after must be positive")
	}
	return webhook.New(webhook.Config{Secret: secret, AllowOrigins: splitList(wf.allowOrigins), Concurrency: wf.concurrency,
		DisableAfter: wf.disableAfter, Logger: logger})
}

// webhookRoutes returns the webhook routes and then the builder's.
func webhookRoutes(hooks *webhook.Service, routes []tenantryhttp.Route) []tenantryhttp.Route {
	return append(hooks.Routes(), routes...)
}

// closeDispatcher stops d, waiting for its deliveries in flight a while.
func closeDispatcher(d *webhook.Dispatcher, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), webhookCloseTimeout)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		logger.Warn("webhook deliveries still in flight at shutdown were released for the next start", "error", err.Error())
	}
}
