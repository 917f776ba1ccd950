package dbbus_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/dbbus"
)

// flakyTable is an in-memory Table whose reads fail while down is set and
// whose inserts fail while full is set.
// The backends' real tables are tested through storetest.RunBus; this one
// only drives the error paths, which a real database cannot be told to
// take on cue.
type flakyTable struct {
	mu    sync.Mutex
	rows  []dbbus.Row
	down  bool
	full  bool
	reads int
}

func (f *flakyTable) Insert(_ context.Context, origin string, inv tenantry.Invalidation) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.full {
		return errors.New("disk full")
	}
	f.rows = append(f.rows, dbbus.Row{ID: int64(len(f.rows) + 1), Origin: origin, Inv: inv})
	return nil
}

func (f *flakyTable) MaxID(context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.down {
		return 0, errors.New("connection refused")
	}
	return int64(len(f.rows)), nil
}

func (f *flakyTable) After(_ context.Context, id int64, limit int) ([]dbbus.Row, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.down {
		return nil, errors.New("connection refused")
	}
	var out []dbbus.Row
	for _, r := range f.rows {
		if r.ID > id && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *flakyTable) Prune(context.Context, time.Duration) (int64, error) { return 0, nil }

func (f *flakyTable) setDown(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

func (f *flakyTable) setFull(full bool) {
	f.mu.Lock()
	f.full = full
	f.mu.Unlock()
}

func (f *flakyTable) readCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// syncBuffer is a bytes.Buffer safe for concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// collect returns a subscriber function and a way to wait for n calls.
func collect() (func(tenantry.Invalidation), func(t *testing.T, n int) []tenantry.Invalidation) {
	var mu sync.Mutex
	var got []tenantry.Invalidation
	add := func(inv tenantry.Invalidation) {
		mu.Lock()
		got = append(got, inv)
		mu.Unlock()
	}
	wait := func(t *testing.T, n int) []tenantry.Invalidation {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); ; {
			mu.Lock()
			out := append([]tenantry.Invalidation(nil), got...)
			mu.Unlock()
			if len(out) >= n || time.Now().After(deadline) {
				return out
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return add, wait
}

// TestReadErrorsAreLoggedOnceAndRetried starts a subscriber while the
// database is down: Subscribe returns, the poller logs one warning, keeps
// trying every interval, takes its starting point once the database
// answers (not replaying older rows) and logs the recovery.
func TestReadErrorsAreLoggedOnceAndRetried(t *testing.T) {
	table := &flakyTable{}
	var logs syncBuffer
	opts := dbbus.Options{PollInterval: 10 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	pub, sub := dbbus.New(table, "fake", "a", opts), dbbus.New(table, "fake", "b", opts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	table.setDown(true)
	add, wait := collect()
	sub.Subscribe(ctx, add)
	if err := pub.Publish(ctx, tenantry.Invalidation{Kind: tenantry.InvUser, UserID: "old"}); err != nil {
		t.Fatal(err)
	}
	for table.readCount() < 5 {
		time.Sleep(5 * time.Millisecond)
	}
	table.setDown(false)
	// Wait until the poller has taken its starting point.
	for strings.Count(logs.String(), "reading the database again") == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	want := tenantry.Invalidation{Kind: tenantry.InvUser, UserID: "new"}
	if err := pub.Publish(ctx, want); err != nil {
		t.Fatal(err)
	}
	wait(t, 1)
	time.Sleep(5 * opts.PollInterval)
	got := wait(t, 0)
	if len(got) != 1 || got[0] != want {
		t.Fatalf("delivered %+v, want only %+v (published once the database was back)", got, want)
	}
	if n := strings.Count(logs.String(), "cannot read the database"); n != 1 {
		t.Errorf("warnings logged for one outage: got %d, want 1\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), "reading the database again"); n != 1 {
		t.Errorf("recoveries logged: got %d, want 1\n%s", n, logs.String())
	}
}

// TestPublishDeliversLocallyWhenTheInsertFails checks that this process's
// subscribers hear of a change even when the database cannot be told.
func TestPublishDeliversLocallyWhenTheInsertFails(t *testing.T) {
	table := &flakyTable{}
	bus := dbbus.New(table, "fake", "a", dbbus.Options{PollInterval: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	add, wait := collect()
	bus.Subscribe(ctx, add)
	table.setFull(true)
	want := tenantry.Invalidation{Kind: tenantry.InvTenant, TenantID: "t1"}
	if err := bus.Publish(ctx, want); err == nil {
		t.Error("Publish with the database down: got nil error, want one")
	}
	if got := wait(t, 1); len(got) != 1 || got[0] != want {
		t.Fatalf("delivered %+v, want %+v", got, want)
	}
}

// TestFullBatchesAreDrained checks that a poll reads batch after batch
// until one comes back short, keeping the order.
func TestFullBatchesAreDrained(t *testing.T) {
	table := &flakyTable{}
	opts := dbbus.Options{PollInterval: 50 * time.Millisecond, Batch: 3, Logger: slog.New(slog.DiscardHandler)}
	pub, sub := dbbus.New(table, "fake", "a", opts), dbbus.New(table, "fake", "b", opts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	add, wait := collect()
	sub.Subscribe(ctx, add)
	const n = 10
	for i := range n {
		if err := pub.Publish(ctx, tenantry.Invalidation{Kind: tenantry.InvAPIKey, Key: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	got := wait(t, n)
	if len(got) != n {
		t.Fatalf("got %d invalidations, want %d", len(got), n)
	}
	for i, inv := range got {
		if want := string(rune('a' + i)); inv.Key != want {
			t.Fatalf("invalidation %d: got key %q, want %q", i, inv.Key, want)
		}
	}
	if took := time.Since(start); took > 3*opts.PollInterval {
		t.Errorf("10 rows in batches of 3 took %v, want them within one poll (about %v)", took, opts.PollInterval)
	}
}
