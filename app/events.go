package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/events"
	"github.com/tenantry/tenantry/presence"
)

// Defaults of the event flags.
const (
	defaultEventRetention = 7 * 24 * time.Hour
	// eventPruneEvery is the most time between two prunes of the outbox.
	eventPruneEvery = 10 * time.Minute
)

// eventFlags are the flags of the outbox and its streams.
type eventFlags struct {
	retention time.Duration
	heartbeat time.Duration
	poll      time.Duration
}

// addEventFlags registers --event-retention, --event-heartbeat and
// --event-poll; parse checks them after fs.Parse.
func (e *environment) addEventFlags(fs *flag.FlagSet) *eventFlags {
	f := &eventFlags{}
	fs.DurationVar(&f.retention, "event-retention", 0, "how long the outbox keeps tenants' events for streams and webhooks to resume from (default 168h) (TENANTRY_EVENT_RETENTION)")
	fs.DurationVar(&f.heartbeat, "event-heartbeat", 0, "how often a quiet event stream sends a heartbeat and refreshes its presence (default 15s) (TENANTRY_EVENT_HEARTBEAT)")
	fs.DurationVar(&f.poll, "event-poll", 0, "how often an event stream reads the outbox without a notification: the most a lost notification delays an event (default 5s) (TENANTRY_EVENT_POLL)")
	return f
}

// parse fills the flags left unset from the environment and the defaults.
func (f *eventFlags) parse(e *environment) error {
	for _, d := range []struct {
		v    *time.Duration
		env  string
		flag string
		def  time.Duration
	}{
		{&f.retention, "TENANTRY_EVENT_RETENTION", "--event-retention", defaultEventRetention},
		{&f.heartbeat, "TENANTRY_EVENT_HEARTBEAT", "--event-heartbeat", events.DefaultHeartbeat},
		{&f.poll, "TENANTRY_EVENT_POLL", "--event-poll", events.DefaultPoll},
	} {
		if *d.v == 0 {
			if s := e.getenv(d.env); s != "" {
				v, err := time.ParseDuration(s)
				if err != nil || v <= 0 {
					return fmt.Errorf("%s: want a positive duration such as 10s, got %q", d.env, s)
				}
				*d.v = v
			}
		}
		if *d.v < 0 {
			return errors.New(d.flag + " must be positive")
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	return nil
}

// startEvents wires the outbox to its streams: a Hub told of every commit
// of db and of the other processes' through bus, presence in Redis (with
// client) or in this process, and the periodic prune of events older than
// the retention. Everything stops with ctx.
func startEvents(ctx context.Context, db database, bus tenantry.Bus, client *goredis.Client, f *eventFlags,
	roles tenantry.EventRoles, logger *slog.Logger) *events.Streamer {
	hub := events.NewHub(bus, logger)
	db.OnEvents(hub.Committed)
	go hub.Run(ctx)
	var pres presence.Store = presence.NewMemory()
	if client != nil {
		pres = presence.NewRedis(client, "tenantry:presence:")
	}
	go pruneEvents(ctx, db.Platform(), f.retention, logger)
	return &events.Streamer{Hub: hub, Presence: pres, Roles: roles, Heartbeat: f.heartbeat, Poll: f.poll, Logger: logger}
}

// pruneEvents deletes the events older than retention now and then
// (every tenth of the retention, at most eventPruneEvery apart) until ctx
// is done. Every server prunes; a prune finding nothing costs one
// indexed delete.
func pruneEvents(ctx context.Context, p tenantry.Platform, retention time.Duration, logger *slog.Logger) {
	every := min(retention/10, eventPruneEvery)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := p.PruneEvents(ctx, time.Now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Warn("events: prune failed; trying again later", "err", err)
		case n > 0:
			logger.Debug("events: pruned old events", "events", n)
		}
	}
}
