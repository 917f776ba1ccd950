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

// announce tells running servers, through the database, that inv changed.
// The change is already made, so a failure only warns: the servers then
// see it when their cached copies expire (--cache-ttl).
func announce(ctx context.Context, env *environment, db database, inv tenantry.Invalidation) {
	bus, err := databaseBus(db, slog.New(slog.NewTextHandler(env.stderr, nil)))
	if err == nil {
		err = bus.Publish(ctx, inv)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "warning: running servers were not told of the change (%v); they see it once their caches expire\n", err)
	}
}
