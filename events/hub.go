package events

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tenantry/tenantry"
)

// PublishGap is the least time between two of a Hub's publications: the
// notifications queued meanwhile go out together after it, one per tenant
// (and topic). A notification after a quiet spell goes out at once. Every
// audited change queues one, and on the database buses each is a write of
// its own (on SQLite, on the one writer): without the gap a busy server
// made about one for every change (a create on PostgreSQL was two commits,
// each with its WAL flush). The other processes read the database buses
// every 250 ms anyway; on Redis the gap is the most it delays them.
const PublishGap = 50 * time.Millisecond

// Hub wakes the event streams of a tenant. It implements the stores'
// OnEvents hook (Committed) and tells the other processes through a Bus.
type Hub struct {
	bus    tenantry.Bus
	logger *slog.Logger
	// origin marks this hub's notifications, which come back through the
	// bus and need no second wake-up.
	origin string

	mu      sync.Mutex
	waiters map[string]map[*waiter]struct{} // by tenant
	// listeners are told of this process's commits (OnCommit).
	listeners []func(tenantID string)
	pending   map[tenantry.Invalidation]struct{}
	kick      chan struct{}
	gap       time.Duration // PublishGap; tests set their own
	// done is closed when Run returns: the streams end, so that a server
	// shutting down does not wait for them.
	done chan struct{}
}

// waiter is one stream's wake-up channels: events for the outbox,
// presence for its topic.
type waiter struct {
	topic    string
	events   chan struct{}
	presence chan struct{}
}

// NewHub returns a Hub that tells other processes through bus (nil: this
// process only). Call Run to start it.
func NewHub(bus tenantry.Bus, logger *slog.Logger) *Hub {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Hub{bus: bus, logger: logger, origin: tenantry.NewID(),
		waiters: map[string]map[*waiter]struct{}{}, pending: map[tenantry.Invalidation]struct{}{},
		kick: make(chan struct{}, 1), gap: PublishGap, done: make(chan struct{})}
}

// Run subscribes to the bus and publishes the notifications that
// Committed and Presence queue, until ctx is done; then every stream of
// the hub ends (its client reconnects, to another process when this one
// is shutting down). Notifications queued within PublishGap of the last
// publication are coalesced: one per tenant (and topic).
func (h *Hub) Run(ctx context.Context) {
	defer close(h.done)
	if h.bus == nil {
		<-ctx.Done()
		return
	}
	h.bus.Subscribe(ctx, h.received)
	gap := time.NewTimer(0) // the first notification goes out at once
	defer gap.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.kick:
		}
		select { // PublishGap since the last publication
		case <-ctx.Done():
			return
		case <-gap.C:
		}
		h.mu.Lock()
		batch := h.pending
		h.pending = map[tenantry.Invalidation]struct{}{}
		h.mu.Unlock()
		for inv := range batch {
			if err := h.bus.Publish(context.WithoutCancel(ctx), inv); err != nil {
				h.logger.Warn("events: notification not published; other processes see the change at their next poll",
					"kind", inv.Kind, "tenant_id", inv.TenantID, "err", err)
			}
		}
		gap.Reset(h.gap)
	}
}

// Committed is the stores' OnEvents hook: tenantID's outbox grew. It wakes
// this process's streams of the tenant at once and queues the
// notification of the others; it never blocks.
func (h *Hub) Committed(tenantID string) {
	h.wake(tenantID, "", false)
	h.queue(tenantry.Invalidation{Kind: tenantry.InvEvents, TenantID: tenantID, Key: h.origin})
	h.mu.Lock()
	listeners := h.listeners
	h.mu.Unlock()
	for _, fn := range listeners {
		fn(tenantID)
	}
}

// OnCommit adds fn to what Committed tells of this process's commits (the
// webhook dispatcher's Notify): fn must not block. Other processes'
// commits are theirs to act on.
func (h *Hub) OnCommit(fn func(tenantID string)) {
	h.mu.Lock()
	h.listeners = append(h.listeners, fn)
	h.mu.Unlock()
}

// Presence says that who is on topic of tenantID changed: it wakes the
// streams on that topic, here and (queued) in every other process.
func (h *Hub) Presence(tenantID, topic string) {
	h.wake(tenantID, topic, true)
	h.queue(tenantry.Invalidation{Kind: tenantry.InvPresence, TenantID: tenantID, Key: h.origin + " " + topic})
}

// queue adds inv to the notifications to publish.
func (h *Hub) queue(inv tenantry.Invalidation) {
	if h.bus == nil {
		return
	}
	h.mu.Lock()
	h.pending[inv] = struct{}{}
	h.mu.Unlock()
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// received wakes the streams a notification of another process names.
func (h *Hub) received(inv tenantry.Invalidation) {
	switch inv.Kind {
	case tenantry.InvEvents:
		if inv.Key != h.origin {
			h.wake(inv.TenantID, "", false)
		}
	case tenantry.InvPresence:
		origin, topic, _ := strings.Cut(inv.Key, " ")
		if origin != h.origin {
			h.wake(inv.TenantID, topic, true)
		}
	case tenantry.InvTenant:
		// A suspension or deletion made elsewhere (the CLI): the streams
		// look at their tenant again.
		h.wake(inv.TenantID, "", false)
	}
}

// wake signals the tenant's waiters: their events channel, or (presence)
// the presence channel of those on topic. A tenant id of "" wakes every
// stream.
func (h *Hub) wake(tenantID, topic string, presence bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, ws := range h.waiters {
		if tenantID != "" && id != tenantID {
			continue
		}
		for w := range ws {
			ch := w.events
			if presence {
				if w.topic != topic {
					continue
				}
				ch = w.presence
			}
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

// watch registers a waiter for tenantID (and topic) until the returned
// function is called.
func (h *Hub) watch(tenantID, topic string) (*waiter, func()) {
	w := &waiter{topic: topic, events: make(chan struct{}, 1), presence: make(chan struct{}, 1)}
	h.mu.Lock()
	if h.waiters[tenantID] == nil {
		h.waiters[tenantID] = map[*waiter]struct{}{}
	}
	h.waiters[tenantID][w] = struct{}{}
	h.mu.Unlock()
	return w, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.waiters[tenantID], w)
		if len(h.waiters[tenantID]) == 0 {
			delete(h.waiters, tenantID)
		}
	}
}

// Streams returns the number of streams open in this process.
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, ws := range h.waiters {
		n += len(ws)
	}
	return n
}
