package events

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// countingBus records what is published through it.
type countingBus struct {
	mu        sync.Mutex
	published []tenantry.Invalidation
	at        []time.Time
}

func (b *countingBus) Publish(_ context.Context, inv tenantry.Invalidation) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.published = append(b.published, inv)
	b.at = append(b.at, time.Now())
	return nil
}

func (b *countingBus) Subscribe(context.Context, func(tenantry.Invalidation)) {}

// count returns how many notifications of tenantID were published and
// when the first was.
func (b *countingBus) count(tenantID string) (n int, first time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, inv := range b.published {
		if inv.TenantID == tenantID {
			if n == 0 {
				first = b.at[i]
			}
			n++
		}
	}
	return n, first
}

// waitFor waits until tenantID has at least n notifications published.
func (b *countingBus) waitFor(t *testing.T, tenantID string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, _ := b.count(tenantID); got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tenant %s: fewer than %d notifications published in 10s", tenantID, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestHubPacesItsPublications: a burst of commits makes a few
// notifications, not one each; the last commit of the burst is published;
// and a commit after a quiet spell is published at once, without waiting
// for the gap.
func TestHubPacesItsPublications(t *testing.T) {
	bus := &countingBus{}
	h := NewHub(bus, nil)
	h.gap = time.Second
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go h.Run(ctx)

	start := time.Now()
	h.Committed("quiet")
	bus.waitFor(t, "quiet", 1)
	if _, first := bus.count("quiet"); first.Sub(start) > h.gap/2 {
		t.Errorf("first notification after %v, want it at once (gap %v)", first.Sub(start), h.gap)
	}

	// A burst of 1,000 commits of two tenants within one gap: each tenant
	// is published once when the gap ends, however many commits it had.
	for range 500 {
		h.Committed("a")
		h.Committed("b")
	}
	bus.waitFor(t, "a", 1)
	bus.waitFor(t, "b", 1)
	time.Sleep(h.gap + h.gap/2) // a second round would come by now
	for _, id := range []string{"a", "b"} {
		if got, _ := bus.count(id); got != 1 {
			t.Errorf("tenant %s: got %d notifications for 500 commits in one gap, want 1", id, got)
		}
	}
	for _, inv := range bus.published {
		if inv.Kind != tenantry.InvEvents || inv.Key != h.origin {
			t.Errorf("published %+v, want kind %q with the hub's origin", inv, tenantry.InvEvents)
		}
	}

	// A commit queued while the gap runs still goes out when it ends.
	h.Committed("a")
	h.Committed("late")
	bus.waitFor(t, "late", 1)
	bus.waitFor(t, "a", 2)
}
