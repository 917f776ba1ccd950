package sqlite

import (
	"cmp"
	"fmt"
	"slices"

	"zombiezen.com/go/sqlite"
)

// maxReaderStmts bounds the prepared statements a reader connection keeps
// from one read to the next. A read may prepare more; when it ends, those
// least recently used beyond the bound are finalized.
const maxReaderStmts = 64

// connStmts are one reader connection's prepared statements, by SQL text.
// zombiezen's Conn.Prepare keeps statements too, but it resets and clears
// the bindings of the one it returns, and SQLite's sqlite3_clear_bindings
// expires a statement whose plan depends on a parameter's value (LIMIT ?
// does, so does a LIKE pattern): the next step prepares it again, about
// 28% of a list's CPU (BenchmarkProjects). Binding a parameter without
// clearing it first keeps the plan when an integer one gets the number it
// had (a list's LIMIT); a LIKE pattern is planned again whatever text it
// gets. So connStmts hands out a statement as it was left, reset, for the
// caller to bind every parameter. The statements are prepared with
// Conn.Prepare, so the connection knows them and finalizes them when it
// closes; a transaction resets those it handed out when it ends
// (connTx.resetAll).
//
// A connStmts belongs to its connection: it is used by one read at a time.
type connStmts struct {
	c     *sqlite.Conn
	max   int
	clock uint64 // counts take calls: the age of a statement's last use
	stmts map[string]*connStmt
}

// connStmt is a statement of a connStmts, its SQL text, when it was last
// taken and whether it is out (taken and not given back).
type connStmt struct {
	st    *sqlite.Stmt
	query string
	used  uint64
	out   bool
}

// newConnStmts returns the statements of c, of which it keeps at most
// keep between reads.
func newConnStmts(c *sqlite.Conn, keep int) *connStmts {
	return &connStmts{c: c, max: keep, stmts: map[string]*connStmt{}}
}

// take returns a statement of query, reset, with the bindings of its last
// use: the caller binds every parameter, and gives it back (give) or
// drops it. It prepares query the first time. While query's statement is
// out, take prepares another, for that use alone, so rows of query stay
// where they were when query runs again.
func (s *connStmts) take(query string) (*sqlite.Stmt, error) {
	s.clock++
	e := s.stmts[query]
	switch {
	case e != nil && e.out:
		st, trailing, err := s.c.PrepareTransient(query)
		if err != nil {
			return nil, err
		}
		if trailing != 0 {
			_ = st.Finalize()
			return nil, fmt.Errorf("sqlite: prepare %q: statement has trailing bytes", query)
		}
		return st, nil
	case e != nil:
		if err := e.st.Reset(); err != nil {
			return nil, err
		}
	default:
		st, err := s.c.Prepare(query)
		if err != nil {
			return nil, err
		}
		e = &connStmt{st: st, query: query}
		s.stmts[query] = e
	}
	e.used, e.out = s.clock, true
	return e.st, nil
}

// give takes back st, a statement of query, resetting it; one prepared
// for a single use is finalized.
func (s *connStmts) give(query string, st *sqlite.Stmt) {
	if e := s.stmts[query]; e != nil && e.st == st {
		e.out = false
		_ = st.Reset()
		return
	}
	_ = st.Finalize()
}

// drop finalizes st, a statement of query, and forgets it: after a failed
// bind, which zombiezen keeps for the statement's next step.
func (s *connStmts) drop(query string, st *sqlite.Stmt) {
	if e := s.stmts[query]; e != nil && e.st == st {
		delete(s.stmts, query)
	}
	_ = st.Finalize()
}

// trim finalizes the least recently used statements beyond s.max that
// are not out. It runs between reads, when none is.
func (s *connStmts) trim() {
	if len(s.stmts) <= s.max {
		return
	}
	idle := make([]*connStmt, 0, len(s.stmts))
	for _, e := range s.stmts {
		if !e.out {
			idle = append(idle, e)
		}
	}
	slices.SortFunc(idle, func(a, b *connStmt) int { return cmp.Compare(a.used, b.used) })
	for _, e := range idle[:min(len(s.stmts)-s.max, len(idle))] {
		s.drop(e.query, e.st)
	}
}
