package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/sqlite"
)

// databaseBus returns the invalidation bus that travels through db's own
// invalidations table, so that every process on the same database (each
// server and every CLI command) reaches every server.
func databaseBus(db database, logger *slog.Logger) (tenantry.Bus, error) {
	switch d := db.(type) {
	case *sqlite.DB:
		return d.Bus(sqlite.BusOptions{Logger: logger}), nil
	case *postgres.DB:
		return d.Bus(postgres.BusOptions{Logger: logger}), nil
	}
	return nil, fmt.Errorf("no invalidation bus for a %T store", db)
}

// fanout is a Bus over several: Publish sends to each, Subscribe listens
// to each. With Redis and the database together an invalidation arrives
// twice, which is harmless: applying one drops cache entries only.
type fanout []tenantry.Bus

var _ tenantry.Bus = fanout(nil)

// Publish publishes inv on every bus, even when one fails, and returns
// their errors joined.
func (f fanout) Publish(ctx context.Context, inv tenantry.Invalidation) error {
	var errs []error
	for _, b := range f {
		errs = append(errs, b.Publish(ctx, inv))
	}
	return errors.Join(errs...)
}

// Subscribe subscribes fn to every bus; fn is never called from two of
// them at once.
func (f fanout) Subscribe(ctx context.Context, fn func(tenantry.Invalidation)) {
	var mu sync.Mutex
	one := func(inv tenantry.Invalidation) {
		mu.Lock()
		defer mu.Unlock()
		fn(inv)
	}
	for _, b := range f {
		b.Subscribe(ctx, one)
	}
}

// teller is the Redis bus's side that relay uses: publish to the other
// processes only.
type teller interface {
	Tell(ctx context.Context, inv tenantry.Invalidation) error
}

// relayQueue bounds the invalidations waiting for Redis; past it they are
// dropped, and the other processes read them from the database at their
// next poll instead.
const relayQueue = 1024

// relay tells Redis, until ctx is done, the invalidations of db's commits
// in this process, so that the other processes drop their copies before
// their next database poll. The commit never waits: the database rows
// are the delivery, Redis only makes it sooner.
func relay(ctx context.Context, db tenantry.Store, to teller, logger *slog.Logger) {
	queue := make(chan tenantry.Invalidation, relayQueue)
	stop := db.OnInvalidation(func(inv tenantry.Invalidation) {
		select {
		case queue <- inv:
		default:
		}
	})
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case inv := <-queue:
			if err := to.Tell(ctx, inv); err != nil && ctx.Err() == nil {
				logger.Warn("invalidation not told through Redis; the other processes read it from the database",
					"kind", inv.Kind, "err", err)
			}
		}
	}
}
