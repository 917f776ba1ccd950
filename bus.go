package tenantry

import "context"

// Bus carries invalidations, and the event streams' notifications, to every server process: inmem.Bus within one
// process, redis.Bus across processes.
type Bus interface {
	// Publish sends inv to every subscriber, this process's included.
	Publish(ctx context.Context, inv Invalidation) error
	// Subscribe calls fn for every invalidation until ctx is done.
	Subscribe(ctx context.Context, fn func(Invalidation))
}
