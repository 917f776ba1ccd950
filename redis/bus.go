package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/inmem"
)

var _ tenantry.Bus = (*Bus)(nil)

// Bus is a tenantry.Bus over Redis pub/sub. Publish delivers to this
// process's subscribers at once and publishes the JSON-encoded
// Invalidation (plus the publishing Bus's origin id, so it does not
// deliver its own messages twice) for the other processes. Each Subscribe
// holds its own pub/sub connection, which reconnects and resubscribes after
// Redis restarts; invalidations published while Redis is unreachable do not
// reach other processes, so caches fed by a Bus should also expire.
type Bus struct {
	client  *goredis.Client
	channel string
	logger  *slog.Logger
	origin  string

	mu    sync.Mutex
	local map[*inmem.Bus]struct{}
}

// publishTimeout bounds one PUBLISH to Redis.
const publishTimeout = 500 * time.Millisecond

// message is what travels on the Redis channel.
type message struct {
	tenantry.Invalidation
	Origin string `json:"origin,omitempty"`
}

// NewBus returns a Bus publishing on channel. A nil logger means
// slog.Default().
func NewBus(client *goredis.Client, channel string, logger *slog.Logger) *Bus {
	if logger == nil {
		logger = slog.Default()
	}
	return &Bus{
		client:  client,
		channel: channel,
		logger:  logger,
		origin:  tenantry.NewID(),
		local:   make(map[*inmem.Bus]struct{}),
	}
}

// Publish delivers inv to this process's subscribers, then publishes it to
// Redis, waiting at most half a second for it (with a client from Open).
// Local delivery happens even when Redis fails; the error then says the
// other processes were not told.
func (b *Bus) Publish(ctx context.Context, inv tenantry.Invalidation) error {
	b.mu.Lock()
	for q := range b.local {
		q.Publish(ctx, inv)
	}
	b.mu.Unlock()
	return b.Tell(ctx, inv)
}

// Tell publishes inv to the other processes only, waiting at most half a
// second: what a store's commit already told this process
// (tenantry.Store.OnInvalidation) reaches the others before their next
// database poll.
func (b *Bus) Tell(ctx context.Context, inv tenantry.Invalidation) error {
	data, err := json.Marshal(message{Invalidation: inv, Origin: b.origin})
	if err != nil {
		return fmt.Errorf("encode invalidation: %w", err)
	}
	// A down Redis must not hold the change that caused this publication.
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if err := b.client.Publish(ctx, b.channel, data).Err(); err != nil {
		return fmt.Errorf("publish invalidation: %w", err)
	}
	return nil
}

// Subscribe registers fn before it returns and calls it, from one goroutine
// and one invalidation at a time, for every invalidation published by this
// process or (through Redis) by another, until ctx is done.
func (b *Bus) Subscribe(ctx context.Context, fn func(tenantry.Invalidation)) {
	q := inmem.NewBus()
	q.Subscribe(ctx, fn)
	b.mu.Lock()
	b.local[q] = struct{}{}
	b.mu.Unlock()
	ps := b.client.Subscribe(ctx, b.channel)
	go func() {
		defer func() {
			b.mu.Lock()
			delete(b.local, q)
			b.mu.Unlock()
			ps.Close()
		}()
		b.receive(ctx, ps, q)
	}()
}

// receive forwards messages from Redis into q until ctx is done. go-redis
// reconnects and resubscribes a PubSub on the next receive after a broken
// connection; this loop only paces retries and logs an outage once.
func (b *Bus) receive(ctx context.Context, ps *goredis.PubSub, q *inmem.Bus) {
	down := false
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		msg, err := ps.ReceiveTimeout(ctx, 5*time.Second)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var nerr interface{ Timeout() bool }
			if errors.As(err, &nerr) && nerr.Timeout() {
				// Idle: a ping checks the connection is still alive.
				if perr := ps.Ping(ctx); perr == nil {
					continue
				}
			}
			if !down {
				down = true
				b.logger.Warn("redis invalidation bus disconnected; reconnecting", "channel", b.channel, "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 50 * time.Millisecond
		switch m := msg.(type) {
		case *goredis.Subscription:
			if down {
				down = false
				b.logger.Info("redis invalidation bus reconnected", "channel", b.channel)
			}
		case *goredis.Message:
			var in message
			if err := json.Unmarshal([]byte(m.Payload), &in); err != nil {
				b.logger.Warn("redis invalidation bus: undecodable message dropped", "channel", b.channel, "err", err)
				continue
			}
			if in.Origin == b.origin {
				continue
			}
			q.Publish(ctx, in.Invalidation)
		}
	}
}
