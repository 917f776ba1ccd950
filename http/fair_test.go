package http

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// enqueue starts a request of tenant on g that records its name in order
// once admitted, and returns after it is queued.
func enqueue(t *testing.T, g *fairGate, tenant, name string, order chan<- string) {
	t.Helper()
	before := g.queued()
	go func() {
		if _, err := g.acquire(context.Background(), tenant, time.Minute); err != nil {
			order <- "error: " + err.Error()
			return
		}
		order <- name
	}()
	for deadline := time.Now().Add(5 * time.Second); g.queued() == before; {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not queue", name)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestFairGateTakesTurnsBetweenTenants(t *testing.T) {
	g := newFairGate(1)
	release, err := g.acquire(t.Context(), "setup", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	order := make(chan string, 10)
	for i := 1; i <= 4; i++ {
		enqueue(t, g, "noisy", fmt.Sprintf("noisy-%d", i), order)
	}
	enqueue(t, g, "quiet", "quiet-1", order)
	enqueue(t, g, "other", "other-1", order)

	var got []string
	for range 6 {
		release()
		got = append(got, <-order)
		release = g.release // each admitted request holds the seat until the next turn
	}
	release()
	want := []string{"noisy-1", "quiet-1", "other-1", "noisy-2", "noisy-3", "noisy-4"}
	if !slices.Equal(got, want) {
		t.Errorf("admission order: got %v, want %v", got, want)
	}
	if g.free != 1 || g.queued() != 0 || len(g.turns) != 0 {
		t.Errorf("after all: free %d, queued %d, turns %v; want 1, 0, []", g.free, g.queued(), g.turns)
	}
}

func TestFairGateLetsOneTenantUseEverySeat(t *testing.T) {
	g := newFairGate(3)
	for i := range 3 {
		if _, err := g.acquire(t.Context(), "alone", time.Millisecond); err != nil {
			t.Fatalf("seat %d of 3 to a tenant alone: %v", i+1, err)
		}
	}
	_, err := g.acquire(t.Context(), "alone", 20*time.Millisecond)
	var e *tenantry.Error
	if !errors.As(err, &e) || e.Code != tenantry.EUNAVAILABLE || e.RetryAfter <= 0 {
		t.Fatalf("fourth request with every seat taken: got %v, want unavailable with a Retry-After", err)
	}
	if g.queued() != 0 || len(g.turns) != 0 {
		t.Errorf("a request that gave up is still queued: queued %d, turns %v", g.queued(), g.turns)
	}
}

func TestFairGateCancelledWait(t *testing.T) {
	g := newFairGate(1)
	release, _ := g.acquire(t.Context(), "a", time.Second)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() {
		_, err := g.acquire(ctx, "b", time.Minute)
		done <- err
	}()
	for g.queued() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: got %v, want context.Canceled", err)
	}
	release()
	if g.free != 1 || g.queued() != 0 {
		t.Errorf("after release: free %d, queued %d; want 1, 0", g.free, g.queued())
	}
}

// TestFairGateUnderLoad has many tenants acquire, hold and release seats
// at once, some giving up, and checks that no more than the seats are
// ever held and that every seat comes back.
func TestFairGateUnderLoad(t *testing.T) {
	const seats = 4
	g := newFairGate(seats)
	var (
		mu           sync.Mutex
		held, peak   int
		admitted, gu int
		wg           sync.WaitGroup
	)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wait := time.Duration(rand.IntN(3)) * time.Millisecond
			release, err := g.acquire(context.Background(), fmt.Sprintf("t%d", i%7), wait)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				gu++
				return
			}
			admitted++
			held++
			peak = max(peak, held)
			mu.Unlock()
			time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
			mu.Lock()
			held--
			release()
		}()
	}
	wg.Wait()
	if peak > seats {
		t.Errorf("peak seats held: got %d, want at most %d", peak, seats)
	}
	if admitted+gu != 200 || admitted == 0 {
		t.Errorf("admitted %d and gave up %d; want 200 in all, some admitted", admitted, gu)
	}
	if g.free != seats || g.queued() != 0 || len(g.turns) != 0 || len(g.queues) != 0 {
		t.Errorf("after all: free %d, queued %d, turns %v, queues %d; want %d, 0, [], 0", g.free, g.queued(), g.turns, len(g.queues), seats)
	}
}

// holdingStore makes the first read transaction (a project list) of any
// tenant after armed is set wait until release is closed, after saying so
// on entered.
type holdingStore struct {
	tenantry.Store
	armed   *atomic.Bool
	once    *sync.Once
	entered chan struct{}
	release chan struct{}
}

func (s holdingStore) Tenant(id string) tenantry.TenantStore {
	return holdingTenant{s.Store.Tenant(id), s}
}

type holdingTenant struct {
	tenantry.TenantStore
	s holdingStore
}

// Read holds the first read transaction once the store is armed: the
// project list is one.
func (t holdingTenant) Read(ctx context.Context, fn func(tenantry.Tx) error) error {
	if t.s.armed.Load() {
		t.s.once.Do(func() {
			close(t.s.entered)
			<-t.s.release
		})
	}
	return t.TenantStore.Read(ctx, fn)
}

// TestGateThroughTheAPI: with one seat taken by a slow request, another
// tenant's request waits for QueueTimeout and is answered 503 with a
// Retry-After; once the seat is free, requests go through again.
func TestGateThroughTheAPI(t *testing.T) {
	hold := holdingStore{Store: openSQLite(t), armed: new(atomic.Bool), once: new(sync.Once), entered: make(chan struct{}), release: make(chan struct{})}
	e := newTestEnv(t, hold, func(c *Config) { c.MaxActive = 1; c.QueueTimeout = 100 * time.Millisecond })
	a := e.newFixture(t, "holder", "pro")
	b := e.newFixture(t, "waiter", "pro")
	hold.armed.Store(true)

	slow := make(chan resp)
	go func() { slow <- e.do(t, a.Owner, "GET", "/api/projects", nil) }()
	<-hold.entered

	start := time.Now()
	r := e.do(t, b.Owner, "GET", "/api/projects", nil)
	if r.Status != 503 || r.errCode() != tenantry.EUNAVAILABLE || r.Header.Get("Retry-After") == "" {
		t.Fatalf("request while the only seat is held: got %d %s (Retry-After %q), want 503 unavailable with Retry-After",
			r.Status, r.Body, r.Header.Get("Retry-After"))
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Errorf("answered after %v, want after the 100ms queue timeout", waited)
	}

	close(hold.release)
	if r := <-slow; r.Status != 200 {
		t.Fatalf("slow request: got %d %s, want 200", r.Status, r.Body)
	}
	e.must(t, b.Owner, "GET", "/api/projects", nil, 200, nil)
}
