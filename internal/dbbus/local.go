package dbbus

import (
	"sync"

	"github.com/tenantry/tenantry"
)

// Local is one database handle's side of its invalidations outbox within
// the process: the stores write the rows of a change in the change's own
// transaction, marked with the handle's Origin, and Deliver hands them to
// the handle's subscribers once it commits, in the committing goroutine.
// The handle's Buses share that Origin, so their pollers skip the rows
// already delivered here and bring only those of other processes.
type Local struct {
	origin string

	mu   sync.Mutex
	subs map[*func(tenantry.Invalidation)]struct{}
}

// NewLocal returns a Local with a new origin and no subscribers.
func NewLocal() *Local {
	return &Local{origin: tenantry.NewID(), subs: map[*func(tenantry.Invalidation)]struct{}{}}
}

// Origin is the mark of the handle's rows.
func (l *Local) Origin() string { return l.origin }

// Add adds fn to the subscribers until stop is called.
func (l *Local) Add(fn func(tenantry.Invalidation)) (stop func()) {
	p := &fn
	l.mu.Lock()
	l.subs[p] = struct{}{}
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		delete(l.subs, p)
		l.mu.Unlock()
	}
}

// Deliver calls every subscriber with each of invs, in order.
func (l *Local) Deliver(invs []tenantry.Invalidation) {
	if len(invs) == 0 {
		return
	}
	l.mu.Lock()
	subs := make([]func(tenantry.Invalidation), 0, len(l.subs))
	for p := range l.subs {
		subs = append(subs, *p)
	}
	l.mu.Unlock()
	for _, inv := range invs {
		for _, fn := range subs {
			fn(inv)
		}
	}
}
