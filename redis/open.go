package redis

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Open parses url (REDIS_URL, for example redis://127.0.0.1:6379/0) and
// makes a client with short timeouts that honour context deadlines. It
// does not need Redis to answer: the client connects on first use and
// reconnects by itself, and every user of it falls back while Redis is
// away (see Ping). The caller closes the client.
func Open(url string) (*goredis.Client, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("parse redis url: %w", err)
	}
	// Per-call deadlines (the rate limiter's 50ms) must bound socket reads
	// too, or a hung Redis would hold requests for ReadTimeout.
	opt.ContextTimeoutEnabled = true
	if opt.DialTimeout == 0 || opt.DialTimeout > 2*time.Second {
		opt.DialTimeout = 2 * time.Second
	}
	return goredis.NewClient(opt), nil
}

// Ping reports whether the client's server answers within 3 seconds.
func Ping(ctx context.Context, client *goredis.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis at %s: %w", client.Options().Addr, err)
	}
	return nil
}

// Logger adapts a slog.Logger to go-redis's internal logging, so that the
// client's own lines (reconnects, pool errors) are structured like the
// server's: main passes it to goredis.SetLogger once at start.
type Logger struct{ L *slog.Logger }

// Printf logs one go-redis line at WARN: the client only logs trouble.
func (l Logger) Printf(ctx context.Context, format string, v ...any) {
	l.L.WarnContext(ctx, "redis client: "+fmt.Sprintf(format, v...), "component", "go-redis")
}
