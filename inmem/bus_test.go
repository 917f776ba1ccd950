package inmem_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/inmem"
)

// collector gathers invalidations delivered to a subscriber.
type collector struct {
	mu  sync.Mutex
	got []tenantry.Invalidation
}

func (c *collector) add(inv tenantry.Invalidation) {
	c.mu.Lock()
	c.got = append(c.got, inv)
	c.mu.Unlock()
}

// waitFor waits up to a second for n invalidations and returns them.
func (c *collector) waitFor(t *testing.T, n int) []tenantry.Invalidation {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		c.mu.Lock()
		got := append([]tenantry.Invalidation(nil), c.got...)
		c.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBusFanOutInOrder(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := inmem.NewBus()
	var c1, c2 collector
	b.Subscribe(ctx, c1.add)
	b.Subscribe(ctx, c2.add)
	var want []tenantry.Invalidation
	for i := 0; i < 100; i++ {
		inv := tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: fmt.Sprint(i)}
		want = append(want, inv)
		if err := b.Publish(ctx, inv); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range []*collector{&c1, &c2} {
		got := c.waitFor(t, len(want))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("subscriber %d: got %v, want %v", i, got, want)
		}
	}
}

func TestBusPublishDoesNotBlockOnSlowSubscriber(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := inmem.NewBus()
	release := make(chan struct{})
	b.Subscribe(ctx, func(tenantry.Invalidation) { <-release })
	var fast collector
	b.Subscribe(ctx, fast.add)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 10_000; i++ {
			b.Publish(ctx, tenantry.Invalidation{Kind: tenantry.InvUser, UserID: "u"})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a stuck subscriber")
	}
	if got, want := len(fast.waitFor(t, 10_000)), 10_000; got != want {
		t.Errorf("fast subscriber got %d, want %d", got, want)
	}
	close(release)
}

func TestBusUnsubscribesWhenContextDone(t *testing.T) {
	b := inmem.NewBus()
	ctx, cancel := context.WithCancel(context.Background())
	var c collector
	b.Subscribe(ctx, c.add)
	if got, want := b.Subscribers(), 1; got != want {
		t.Fatalf("Subscribers: got %d, want %d", got, want)
	}
	cancel()
	deadline := time.Now().Add(time.Second)
	for b.Subscribers() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got, want := b.Subscribers(), 0; got != want {
		t.Fatalf("Subscribers after cancel: got %d, want %d", got, want)
	}
	b.Publish(context.Background(), tenantry.Invalidation{Kind: tenantry.InvAPIKey, Key: "h"})
	time.Sleep(10 * time.Millisecond)
	if got := c.waitFor(t, 0); len(got) != 0 {
		t.Errorf("after cancel got %v, want nothing", got)
	}
}
