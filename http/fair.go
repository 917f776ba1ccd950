package http

import (
	"context"
	"sync"
	"time"

	"github.com/tenantry/tenantry"
)

// fairGate admits at most a fixed number of tenant requests at once (its
// seats; by default the size of the store's connection pool, so that the
// requests it admits find a connection). When every seat is taken, a
// request waits in its tenant's queue, and each freed seat goes to the
// tenants with waiting requests in turn. A noisy tenant's backlog thus
// waits behind its own requests only: another tenant's request waits for
// at most one freed seat per waiting tenant, however long the noisy queue.
// A tenant alone may use every seat: the gate orders waiting and reserves
// nothing.
type fairGate struct {
	mu      sync.Mutex
	free    int                      // seats not taken; > 0 only when nobody waits
	queues  map[string][]*gateWaiter // waiting requests by tenant, oldest first
	turns   []string                 // tenants with waiting requests, next first
	waiting int
}

// gateWaiter is one waiting request; granted is set, under the gate's
// lock, when a seat is handed to it.
type gateWaiter struct {
	ready   chan struct{}
	granted bool
}

func newFairGate(seats int) *fairGate {
	return &fairGate{free: seats, queues: map[string][]*gateWaiter{}}
}

// acquire takes a seat for a request of tenantID, waiting at most maxWait
// (and while ctx lasts), and returns the function that gives it back. A
// request that waits too long is unavailable with a Retry-After: the
// server is saturated.
func (g *fairGate) acquire(ctx context.Context, tenantID string, maxWait time.Duration) (release func(), err error) {
	g.mu.Lock()
	if g.free > 0 {
		g.free--
		g.mu.Unlock()
		return g.release, nil
	}
	w := &gateWaiter{ready: make(chan struct{})}
	if len(g.queues[tenantID]) == 0 {
		g.turns = append(g.turns, tenantID)
	}
	g.queues[tenantID] = append(g.queues[tenantID], w)
	g.waiting++
	g.mu.Unlock()

	timer := time.NewTimer(maxWait)
	defer timer.Stop()
	select {
	case <-w.ready:
		return g.release, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = &tenantry.Error{Code: tenantry.EUNAVAILABLE, Message: "The server is busy; try again shortly.", RetryAfter: time.Second}
	}
	g.mu.Lock()
	if w.granted {
		// The seat came as the wait ended: pass it on.
		g.mu.Unlock()
		g.release()
		return nil, err
	}
	g.remove(tenantID, w)
	g.mu.Unlock()
	return nil, err
}

// release gives a seat back: to the oldest waiting request of the tenant
// whose turn it is, or to the free seats when nobody waits.
func (g *fairGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.turns) == 0 {
		g.free++
		return
	}
	t := g.turns[0]
	g.turns = g.turns[1:]
	q := g.queues[t]
	w := q[0]
	if len(q) == 1 {
		delete(g.queues, t)
	} else {
		g.queues[t] = q[1:]
		g.turns = append(g.turns, t) // back of the line
	}
	g.waiting--
	w.granted = true
	close(w.ready)
}

// remove drops a waiter that gave up; the caller holds g.mu.
func (g *fairGate) remove(tenantID string, w *gateWaiter) {
	q := g.queues[tenantID]
	for i, x := range q {
		if x == w {
			q = append(q[:i], q[i+1:]...)
			break
		}
	}
	g.waiting--
	if len(q) > 0 {
		g.queues[tenantID] = q
		return
	}
	delete(g.queues, tenantID)
	for i, t := range g.turns {
		if t == tenantID {
			g.turns = append(g.turns[:i], g.turns[i+1:]...)
			break
		}
	}
}

// queued returns how many requests wait for a seat.
func (g *fairGate) queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiting
}
