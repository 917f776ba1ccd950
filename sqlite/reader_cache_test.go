package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tenantry/tenantry"
	"zombiezen.com/go/sqlite"
)

// TestReadRebinds: a statement run again binds every parameter anew, in
// one read and in later reads on each connection; a NULL is NULL, not the
// value of the run before.
func TestReadRebinds(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "rebind", "pro", "")
	const q = `SELECT coalesce(CAST($1 AS TEXT), 'NULL') || ',' || coalesce(CAST($2 AS TEXT), 'NULL')`
	tests := []struct {
		args []any
		want string
	}{
		{[]any{"a", "b"}, "a,b"},
		{[]any{"c", nil}, "c,NULL"},
		{[]any{nil, "d"}, "NULL,d"},
		{[]any{nil, nil}, "NULL,NULL"},
		{[]any{int64(1), 2.5}, "1,2.5"},
		{[]any{"e", nil}, "e,NULL"},
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

// TestReadSameQueryNested: a query run again while its rows are open gets
// a statement of its own; the open rows go on where they were.
func TestReadSameQueryNested(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "nested", "pro", "")
	const q = `SELECT value FROM json_each($1)`
	for round := range readerConns + 1 {
		var got []int
		err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
			rows, err := tx.Query(t.Context(), q, "[1,2,3]")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var n, inner int
				if err := rows.Scan(&n); err != nil {
					return err
				}
				if err := tx.QueryRow(t.Context(), q, "[9]").Scan(&inner); err != nil {
					return err
				}
				got = append(got, n, inner)
			}
			return rows.Err()
		})
		want := []int{1, 9, 2, 9, 3, 9}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("round %d: got %v, %v; want %v", round, got, err, want)
		}
	}
}

// TestReadBindErrorNotKept: a read whose arguments fail to bind leaves
// nothing behind for the next read of the same statement.
func TestReadBindErrorNotKept(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "binderr", "pro", "")
	const q = `SELECT $1`
	// "b" is out of range (SQLite keeps the error for the next step) and
	// struct{}{} does not bind at all.
	err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
		var s string
		return tx.QueryRow(t.Context(), q, "a", "b", struct{}{}).Scan(&s)
	})
	if err == nil {
		t.Fatal("bind struct{}: got no error")
	}
	for round := range readerConns + 1 {
		var got string
		err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
			return tx.QueryRow(t.Context(), q, "x").Scan(&got)
		})
		if err != nil || got != "x" {
			t.Errorf("round %d after a bind error: got %q, %v; want x", round, got, err)
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

// TestReadReusesStatements: each connection prepares a query once and
// runs the same statement in its later reads.
func TestReadReusesStatements(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "reuse", "pro", "")
	const q = `SELECT name FROM tenants WHERE id = $1 LIMIT $2`
	first := map[*sqlite.Conn]*sqlite.Stmt{}
	reused := 0
	for round := range 3 * readerConns {
		err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
			row := tx.QueryRow(t.Context(), q, tx.TenantID(), 1)
			rtx, st := tx.(*connTx), row.(connRow).st
			if was, ok := first[rtx.c]; !ok {
				first[rtx.c] = st
			} else if was != st {
				t.Errorf("round %d: got a new statement %p, want %p again", round, st, was)
			} else {
				reused++
			}
			var name string
			return row.Scan(&name)
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	if want := 3*readerConns - len(first); reused != want {
		t.Errorf("got %d reads on a statement prepared before, want %d", reused, want)
	}
}

// TestReaderStmtsBounded: a read of more statements than a connection
// keeps leaves at most maxReaderStmts on it, the others finalized, and the
// store closes cleanly (sqlite3_close fails while a statement is left).
func TestReaderStmtsBounded(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "bounded", "pro", "")
	err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
		for i := range maxReaderStmts + 10 {
			var n int
			if err := tx.QueryRow(t.Context(), fmt.Sprintf(`SELECT %d + $1`, i), 1).Scan(&n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	taken := make([]*reader, db.readers.n)
	for i := range taken {
		taken[i] = <-db.readers.free
		if got := len(taken[i].stmts.stmts); got > maxReaderStmts {
			t.Errorf("connection %p: got %d statements, want at most %d", taken[i].c, got, maxReaderStmts)
		}
	}
	for _, rd := range taken {
		db.readers.free <- rd
	}
	if err := db.Close(); err != nil {
		t.Errorf("Close: got %v, want none", err)
	}
}

// TestConnStmts pins connStmts on one connection: a statement taken again
// is the same one, one taken while out is another (finalized when given
// back), and trim keeps the most recently used.
func TestConnStmts(t *testing.T) {
	c, err := sqlite.OpenConn(filepath.Join(t.TempDir(), "stmts.db"), sqlite.OpenReadWrite|sqlite.OpenCreate)
	if err != nil {
		t.Fatal(err)
	}
	s := newConnStmts(c, 2)
	take := func(q string) *sqlite.Stmt {
		t.Helper()
		st, err := s.take(q)
		if err != nil {
			t.Fatalf("take %q: %v", q, err)
		}
		return st
	}
	a := take("SELECT 1")
	s.give("SELECT 1", a)
	if got := take("SELECT 1"); got != a {
		t.Errorf("taken again: got %p, want %p", got, a)
	}
	b := take("SELECT 1") // while a is out
	if b == a {
		t.Error("taken while out: got the statement that is out")
	}
	s.give("SELECT 1", b)
	s.give("SELECT 1", a)
	if got := take("SELECT 1"); got != a {
		t.Errorf("after both given back: got %p, want %p", got, a)
	}
	s.give("SELECT 1", a)

	tests := []struct {
		name string
		use  []string // taken and given back in turn
		want []string // kept after trim
	}{
		{"under the bound", []string{"SELECT 1"}, []string{"SELECT 1"}},
		{"least recently used go", []string{"SELECT 2", "SELECT 3", "SELECT 2", "SELECT 4"}, []string{"SELECT 2", "SELECT 4"}},
		{"used again stays", []string{"SELECT 5", "SELECT 2", "SELECT 6"}, []string{"SELECT 2", "SELECT 6"}},
	}
	for _, tt := range tests {
		for _, q := range tt.use {
			s.give(q, take(q))
		}
		s.trim()
		var got []string
		for q := range s.stmts {
			got = append(got, q)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: got %v, want none (a statement left unfinalized)", err)
	}
}
