package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/dbbus"
)

// DBBus is a database-backed tenantry.Bus: sqlite.Bus or postgres.Bus.
type DBBus interface {
	tenantry.Bus
	// Prune deletes the rows older than the Bus's retention.
	Prune(ctx context.Context) (int64, error)
}

// BusOpener makes a fresh, empty database for one test and returns a
// function that opens it once more (a new handle, as another process
// would) and returns a Bus on that handle with opts. The caller closes
// the handles through t.Cleanup.
type BusOpener func(t *testing.T) (again func(opts dbbus.Options) DBBus)

// maxDelivery is how soon a Bus with the default poll interval must bring
// an invalidation published through another handle.
const maxDelivery = time.Second

// RunBus runs the behaviour every database-backed Bus shares.
func RunBus(t *testing.T, open BusOpener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, again func(opts dbbus.Options) DBBus)
	}{
		{"AcrossHandles", testBusAcrossHandles},
		{"NoReplay", testBusNoReplay},
		{"Cancel", testBusCancel},
		{"Prune", testBusPrune},
		{"ConcurrentPublishers", testBusConcurrentPublishers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// recorder collects what a subscriber receives.
type recorder struct {
	mu  sync.Mutex
	got []tenantry.Invalidation
}

func (r *recorder) add(inv tenantry.Invalidation) {
	r.mu.Lock()
	r.got = append(r.got, inv)
	r.mu.Unlock()
}

func (r *recorder) all() []tenantry.Invalidation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]tenantry.Invalidation(nil), r.got...)
}

// waitFor polls r until it holds n invalidations or within passes, and
// returns them and how long that took.
func (r *recorder) waitFor(n int, within time.Duration) ([]tenantry.Invalidation, time.Duration) {
	start := time.Now()
	for {
		got := r.all()
		if len(got) >= n || time.Since(start) > within {
			return got, time.Since(start)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// invs returns n distinct invalidations of each kind in turn, keyed
// prefix-0, prefix-1, ...
func invs(prefix string, n int) []tenantry.Invalidation {
	kinds := []tenantry.Invalidation{
		{Kind: tenantry.InvTenant, TenantID: "0190aaaa-0000-7000-8000-000000000001"},
		{Kind: tenantry.InvMember, TenantID: "0190aaaa-0000-7000-8000-000000000001", UserID: "0190bbbb-0000-7000-8000-000000000002"},
		{Kind: tenantry.InvAPIKey, TenantID: "0190aaaa-0000-7000-8000-000000000001"},
		{Kind: tenantry.InvUser, UserID: "0190bbbb-0000-7000-8000-000000000002"},
	}
	out := make([]tenantry.Invalidation, n)
	for i := range out {
		out[i] = kinds[i%len(kinds)]
		out[i].Key = fmt.Sprintf("%s-%d", prefix, i)
	}
	return out
}

// sameInvs reports the first difference between got and want.
func sameInvs(t *testing.T, what string, got, want []tenantry.Invalidation) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d invalidations %v, want %d %v", what, len(got), got, len(want), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: invalidation %d: got %+v, want %+v", what, i, got[i], want[i])
		}
	}
}

// testBusAcrossHandles publishes through one handle and receives, in
// order and within maxDelivery, through another; the publishing Bus's own
// subscriber gets each invalidation exactly once, at once.
func testBusAcrossHandles(t *testing.T, again func(dbbus.Options) DBBus) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b := again(dbbus.Options{}), again(dbbus.Options{})
	var atA, atB recorder
	a.Subscribe(ctx, atA.add)
	b.Subscribe(ctx, atB.add)

	want := invs("across", 8)
	for _, inv := range want {
		if err := a.Publish(ctx, inv); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	got, took := atB.waitFor(len(want), 5*time.Second)
	sameInvs(t, "other handle", got, want)
	if took > maxDelivery {
		t.Errorf("other handle: got everything after %v, want at most %v", took, maxDelivery)
	}
	t.Logf("delivered across handles in %v", took.Round(time.Millisecond))

	// The publisher's own subscriber had them at once; its poller skips
	// the rows it wrote, so nothing arrives twice.
	time.Sleep(3 * dbbus.DefaultPollInterval)
	sameInvs(t, "own subscriber", atA.all(), want)
	sameInvs(t, "other handle after three more polls", atB.all(), want)
}

// testBusNoReplay checks that rows published before Subscribe are not
// delivered.
func testBusNoReplay(t *testing.T, again func(dbbus.Options) DBBus) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := dbbus.Options{PollInterval: 20 * time.Millisecond}
	a, b := again(opts), again(opts)
	for _, inv := range invs("before", 5) {
		if err := a.Publish(ctx, inv); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	var rec recorder
	b.Subscribe(ctx, rec.add)
	want := invs("after", 2)
	for _, inv := range want {
		if err := a.Publish(ctx, inv); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	rec.waitFor(len(want), 5*time.Second)
	time.Sleep(5 * opts.PollInterval)
	sameInvs(t, "subscriber", rec.all(), want)
}

// testBusCancel checks that a subscriber whose ctx is done gets nothing
// more.
func testBusCancel(t *testing.T, again func(dbbus.Options) DBBus) {
	ctx := context.Background()
	opts := dbbus.Options{PollInterval: 20 * time.Millisecond}
	a, b := again(opts), again(opts)
	subCtx, cancel := context.WithCancel(ctx)
	var rec recorder
	b.Subscribe(subCtx, rec.add)
	first := invs("first", 1)
	if err := a.Publish(ctx, first[0]); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if got, _ := rec.waitFor(1, 5*time.Second); len(got) != 1 {
		t.Fatalf("before cancel: got %d invalidations, want 1", len(got))
	}
	cancel()
	time.Sleep(3 * opts.PollInterval) // the poller notices
	for _, inv := range invs("late", 3) {
		if err := a.Publish(ctx, inv); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if err := b.Publish(ctx, inv); err != nil {
			t.Fatalf("Publish on the cancelled subscriber's Bus: %v", err)
		}
	}
	time.Sleep(10 * opts.PollInterval)
	sameInvs(t, "after cancel", rec.all(), first)
}

// testBusPrune checks that Prune deletes the rows older than the
// retention only, and that a subscribed Bus prunes by itself.
func testBusPrune(t *testing.T, again func(dbbus.Options) DBBus) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const retention = 300 * time.Millisecond
	a := again(dbbus.Options{Retention: retention, PruneEvery: time.Hour})
	for _, inv := range invs("old", 3) {
		if err := a.Publish(ctx, inv); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	time.Sleep(retention + 200*time.Millisecond)
	if err := a.Publish(ctx, invs("new", 1)[0]); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	n, err := a.Prune(ctx)
	if err != nil {
		t.Fatalf("Prune: %v", err)
	}
	if got, want := n, int64(3); got != want {
		t.Errorf("first Prune deleted %d rows, want %d (the old ones only)", got, want)
	}
	if n, err = a.Prune(ctx); err != nil || n != 0 {
		t.Errorf("second Prune: got %d, %v; want 0, nil", n, err)
	}

	// A subscriber prunes by itself, at most once per PruneEvery: the row
	// left over goes once it is older than the retention.
	b := again(dbbus.Options{PollInterval: 20 * time.Millisecond, Retention: retention, PruneEvery: 50 * time.Millisecond})
	b.Subscribe(ctx, func(tenantry.Invalidation) {})
	time.Sleep(retention + 500*time.Millisecond)
	if n, err = a.Prune(ctx); err != nil || n != 0 {
		t.Errorf("Prune after a subscriber ran: got %d, %v; want 0, nil (the subscriber pruned)", n, err)
	}
	var rec recorder
	b.Subscribe(ctx, rec.add)
	want := invs("after-prune", 2)
	for _, inv := range want {
		if err := a.Publish(ctx, inv); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	got, _ := rec.waitFor(len(want), 5*time.Second)
	sameInvs(t, "after pruning", got, want)
}

// testBusConcurrentPublishers publishes from several handles at once and
// checks that a subscriber misses nothing and sees each publisher's
// invalidations in the order it published them.
func testBusConcurrentPublishers(t *testing.T, again func(dbbus.Options) DBBus) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := dbbus.Options{PollInterval: 10 * time.Millisecond, Batch: 7}
	sub := again(opts)
	var rec recorder
	sub.Subscribe(ctx, rec.add)
	const publishers, each = 4, 40
	var wg sync.WaitGroup
	errs := make(chan error, publishers)
	for p := range publishers {
		bus := again(opts)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, inv := range invs(fmt.Sprintf("p%d", p), each) {
				if err := bus.Publish(ctx, inv); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Publish: %v", err)
	}
	rec.waitFor(publishers*each, 10*time.Second)
	time.Sleep(5 * opts.PollInterval)
	got := rec.all()
	if len(got) != publishers*each {
		t.Fatalf("got %d invalidations, want %d", len(got), publishers*each)
	}
	next := map[string]int{}
	for _, inv := range got {
		var p, i int
		if _, err := fmt.Sscanf(inv.Key, "p%d-%d", &p, &i); err != nil {
			t.Fatalf("unexpected key %q", inv.Key)
		}
		prefix := fmt.Sprintf("p%d", p)
		if i != next[prefix] {
			t.Fatalf("publisher %d: got invalidation %d, want %d (out of order or missed)", p, i, next[prefix])
		}
		next[prefix]++
	}
}
