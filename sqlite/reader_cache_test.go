package sqlite

import (
	"context"
	"errors"
	"testing"

	"github.com/tenantry/tenantry"
)

// TestReadRebinds: a statement run again binds every parameter anew, in
// one read and in later reads on each connection; a parameter left out is
// NULL, not the value of the run before.
func TestReadRebinds(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "rebind", "pro", "")
	const q = `SELECT coalesce(CAST($1 AS TEXT), 'NULL') || ',' || coalesce(CAST($2 AS TEXT), 'NULL')`
	tests := []struct {
		args []any
		want string
	}{
		{[]any{"a", "b"}, "a,b"},
		{[]any{"c"}, "c,NULL"},
		{[]any{nil, "d"}, "NULL,d"},
		{[]any{}, "NULL,NULL"},
		{[]any{int64(1), 2.5}, "1,2.5"},
		{[]any{"e"}, "e,NULL"},
		{[]any{[]byte(nil), nil}, "NULL,NULL"},
	}
	for round := range readerConns + 1 {
		err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
			for _, tt := range tests {
				var got string
				if err := tx.QueryRow(t.Context(), q, tt.args...).Scan(&got); err != nil {
					return err
				}
				if got != tt.want {
					t.Errorf("round %d, args %v: got %q, want %q", round, tt.args, got, tt.want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}

// TestReadInterrupted: a read's context interrupts its statement mid-rows,
// and the statement serves the next read on its connection.
func TestReadInterrupted(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "interrupt", "pro", "")
	const q = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $1) SELECT x FROM c`
	for round := range readerConns + 1 {
		ctx, cancel := context.WithCancel(t.Context())
		var n int
		err := ts.Read(ctx, func(tx tenantry.Tx) error {
			rows, err := tx.Query(ctx, q, int64(1e12))
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				if n++; n == 10 {
					cancel()
				}
			}
			return rows.Err()
		})
		cancel()
		if !errors.Is(err, context.Canceled) || n < 10 || n > 1e6 {
			t.Errorf("round %d, cancelled after 10 rows: got %d rows, %v; want context.Canceled", round, n, err)
		}
		var count int
		err = ts.Read(t.Context(), func(tx tenantry.Tx) error {
			rows, err := tx.Query(t.Context(), q, 3)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				count++
			}
			return rows.Err()
		})
		if err != nil || count != 3 {
			t.Errorf("round %d, after the interrupt: got %d rows, %v; want 3", round, count, err)
		}
	}
}
