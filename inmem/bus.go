package inmem

import (
	"context"
	"sync"

	"github.com/tenantry/tenantry"
)

var _ tenantry.Bus = (*Bus)(nil)

// Bus is an in-process tenantry.Bus. Publish never blocks: every subscriber
// has its own unbounded queue drained by its own goroutine, so a slow
// subscriber delays only itself and loses nothing.
type Bus struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

// NewBus returns a Bus with no subscribers.
func NewBus() *Bus {
	return &Bus{subs: make(map[*subscriber]struct{})}
}

// subscriber is one Subscribe call: a queue and a wake-up signal.
type subscriber struct {
	mu      sync.Mutex
	pending []tenantry.Invalidation
	wake    chan struct{}
}

// Publish queues inv for every current subscriber and returns at once.
func (b *Bus) Publish(_ context.Context, inv tenantry.Invalidation) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		s.mu.Lock()
		s.pending = append(s.pending, inv)
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// Subscribe registers fn before it returns and then calls it, from a
// goroutine of its own and one invalidation at a time in publication
// order, for every invalidation published until ctx is done.
func (b *Bus) Subscribe(ctx context.Context, fn func(tenantry.Invalidation)) {
	s := &subscriber{wake: make(chan struct{}, 1)}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go func() {
		defer func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.wake:
			}
			s.mu.Lock()
			batch := s.pending
			s.pending = nil
			s.mu.Unlock()
			for _, inv := range batch {
				if ctx.Err() != nil {
					return
				}
				fn(inv)
			}
		}
	}()
}

// Subscribers returns the number of active subscriptions.
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}
