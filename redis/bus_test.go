package redis_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/redis"
)

// inbox collects delivered invalidations.
type inbox struct {
	mu  sync.Mutex
	got []tenantry.Invalidation
}

func (in *inbox) add(inv tenantry.Invalidation) {
	in.mu.Lock()
	in.got = append(in.got, inv)
	in.mu.Unlock()
}

func (in *inbox) list() []tenantry.Invalidation {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]tenantry.Invalidation(nil), in.got...)
}

// wait waits up to d for n invalidations.
func (in *inbox) wait(n int, d time.Duration) []tenantry.Invalidation {
	deadline := time.Now().Add(d)
	for {
		got := in.list()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBusAcrossProcesses(t *testing.T) {
	url := redisURL(t)
	channel := prefix(t) + "inv"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := redis.NewBus(open(t, url), channel, nil)
	b := redis.NewBus(open(t, url), channel, nil)
	var onA, onB inbox
	a.Subscribe(ctx, onA.add)
	b.Subscribe(ctx, onB.add)

	inv := tenantry.Invalidation{Kind: tenantry.InvAPIKey, TenantID: "t1", Key: "abc"}
	sent := time.Now()
	if err := a.Publish(ctx, inv); err != nil {
		t.Fatal(err)
	}
	got := onB.wait(1, time.Second)
	if len(got) != 1 || got[0] != inv {
		t.Fatalf("other process: got %v, want [%v] within 1s", got, inv)
	}
	t.Logf("delivered across processes in %v", time.Since(sent))
	// The publisher's own subscriber gets it once (locally, not again from Redis).
	time.Sleep(100 * time.Millisecond)
	if got := onA.list(); len(got) != 1 || got[0] != inv {
		t.Errorf("publishing process: got %v, want exactly [%v]", got, inv)
	}
}

func TestBusLocalDeliveryWithoutRedis(t *testing.T) {
	srv := startServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bus := redis.NewBus(open(t, srv.URL()), "inv", nil)
	var in inbox
	bus.Subscribe(ctx, in.add)
	srv.kill()
	inv := tenantry.Invalidation{Kind: tenantry.InvUser, UserID: "u1"}
	if err := bus.Publish(ctx, inv); err == nil {
		t.Errorf("Publish with Redis down: got nil error, want one")
	}
	if got := in.wait(1, time.Second); len(got) != 1 || got[0] != inv {
		t.Errorf("local delivery: got %v, want [%v]", got, inv)
	}
}

func TestBusReconnectsAfterRestart(t *testing.T) {
	srv := startServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := redis.NewBus(open(t, srv.URL()), "inv", nil)
	pub := redis.NewBus(open(t, srv.URL()), "inv", nil)
	var in inbox
	sub.Subscribe(ctx, in.add)

	srv.kill()
	time.Sleep(100 * time.Millisecond)
	srv.start()

	// Publish until the resubscribed connection receives one.
	inv := tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: "t9"}
	deadline := time.Now().Add(10 * time.Second)
	for len(in.list()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no invalidation received within 10s of the restart")
		}
		pub.Publish(ctx, inv)
		time.Sleep(100 * time.Millisecond)
	}
	if got := in.list()[0]; got != inv {
		t.Errorf("after restart: got %v, want %v", got, inv)
	}
}
