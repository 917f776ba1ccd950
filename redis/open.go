package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Open parses url (REDIS_URL, for example redis://127.0.0.1:6379/0), makes a
// client with short timeouts that honour context deadlines, and pings the
// server. The caller closes the client.
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
	client := goredis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("ping redis at %s: %w", opt.Addr, err)
	}
	return client, nil
}
