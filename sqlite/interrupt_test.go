package sqlite

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// endless never ends unless interrupted.
const endless = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c`

// TestInterruptEndsAStatement: a context that ends interrupts the
// statement running on the reader and on the writer, and each connection
// then runs the next transaction, armed anew; a context done before the
// transaction runs nothing.
func TestInterruptEndsAStatement(t *testing.T) {
	db := openTest(t)
	read := func(ctx context.Context, q string) error {
		return db.readers.read(ctx, "", false, func(tx tenantry.Tx) error {
			var n int
			return tx.QueryRow(ctx, q).Scan(&n)
		})
	}
	write := func(ctx context.Context, q string) error {
		return db.write(ctx, "", func(tx *connTx) error {
			var n int
			return tx.QueryRow(ctx, q).Scan(&n)
		})
	}
	for _, run := range []struct {
		name string
		f    func(context.Context, string) error
	}{{"read", read}, {"write", write}} {
		// Every reader in turn: each must be interrupted and armed anew.
		for range readerConns + 1 {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			start := time.Now()
			err := run.f(ctx, endless)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%s: endless query: got %v, want context.DeadlineExceeded", run.name, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%s: interrupted after %v, want soon after 20ms", run.name, d)
			}
		}
		for range readerConns + 1 {
			if err := run.f(t.Context(), `SELECT 1`); err != nil {
				t.Fatalf("%s after an interrupt: got %v, want none", run.name, err)
			}
		}
		done, cancel := context.WithCancel(t.Context())
		cancel()
		if err := run.f(done, `SELECT 1`); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a done context: got %v, want context.Canceled", run.name, err)
		}
	}
}

// TestInterruptStartsNoGoroutine: transactions whose contexts end
// afterwards leave no goroutine behind and start none while they run (the
// connections are armed once).
func TestInterruptStartsNoGoroutine(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	one := func() {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if err := db.readers.read(ctx, "", false, func(tx tenantry.Tx) error {
			var n int
			return tx.QueryRow(ctx, `SELECT 1`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.write(ctx, "", func(tx *connTx) error {
			var n int
			return tx.QueryRow(ctx, `SELECT 1`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
	}
	one()
	before := runtime.NumGoroutine()
	for range 200 {
		one()
	}
	if got := runtime.NumGoroutine(); got > before {
		t.Errorf("goroutines after 200 reads and writes: got %d, want at most %d", got, before)
	}
}

// BenchmarkReadTransaction is an empty read: taking a reader, watching
// the context and giving the reader back.
func BenchmarkReadTransaction(b *testing.B) {
	db := openTest(b)
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		if err := db.readers.read(ctx, "", false, func(tenantry.Tx) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
