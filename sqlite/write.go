package sqlite

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"zombiezen.com/go/sqlite"
	"zombiezen.com/go/sqlite/sqlitex"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
	"github.com/tenantry/tenantry/internal/outbox"
)

// The writes run on one connection, the writer, through the same API as
// the reads (conn.go): SQLite has one writer a database, so one connection
// that writes is all a process needs, and BEGIN IMMEDIATE takes the
// database's write lock at once (other processes on the file wait up to
// the busy timeout). The writer keeps its prepared statements as each
// reader does.

// writer is the store's connection that writes; taking its token (a
// channel of one) is holding it, which a write's context can give up.
type writer struct {
	token  chan *sqlite.Conn
	stmts  *connStmts
	intr   *interrupter
	closed sync.Once
	done   chan struct{} // closed by close
}

// openWriter opens the writing connection to the database at path, which
// the migrations have created in WAL mode.
func openWriter(path string) (*writer, error) {
	c, err := sqlite.OpenConn(path, sqlite.OpenReadWrite|sqlite.OpenWAL)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open writer: %w", err)
	}
	c.SetBusyTimeout(5 * time.Second)
	for _, pragma := range []string{"PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL",
		"PRAGMA wal_autocheckpoint = " + strconv.Itoa(backstopPages)} {
		if err := sqlitex.ExecuteTransient(c, pragma, nil); err != nil {
			c.Close()
			return nil, fmt.Errorf("sqlite: open writer: %w", err)
		}
	}
	w := &writer{token: make(chan *sqlite.Conn, 1), stmts: newConnStmts(c, maxReaderStmts), intr: newInterrupter(c),
		done: make(chan struct{})}
	w.token <- c
	return w, nil
}

// close closes the writer, once no write holds it and once: a DB may be
// closed twice.
func (w *writer) close() (err error) {
	w.closed.Do(func() {
		c := <-w.token
		close(w.done)
		for q, e := range w.stmts.stmts {
			w.stmts.drop(q, e.st)
		}
		err = c.Close()
	})
	return err
}

// write runs fn in one write transaction (BEGIN IMMEDIATE) of tenant id,
// whose row it reads first (tenant_not_found), or of no tenant for id "".
// It commits when fn returns nil and no statement failed, with the
// transaction's invalidations written last, and rolls back otherwise;
// after a commit it tells the process the invalidations and the tenants'
// events, then runs the AfterCommit hooks.
func (db *DB) write(ctx context.Context, id string, fn func(tx *connTx) error) error {
	var c *sqlite.Conn
	select {
	case c = <-db.writer.token:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.writer.done:
		return tenantry.Errorf(tenantry.EUNAVAILABLE, "The database is unavailable.")
	}
	var hooks []func()
	tx := &connTx{ctx: ctx, c: c, stmts: db.writer.stmts, id: id, hooks: &hooks, writeState: &writeState{db: db}}
	err := db.commit(ctx, tx, fn)
	db.writer.stmts.trim()
	db.writer.token <- c
	// Hand the processor to the write that was waiting for the writer
	// (the channel made it the next to run here) before this one answers
	// its request: on two cores the writer otherwise waited about a
	// quarter of the time for the next holder to be scheduled
	// (docs/benchmarks.md, creates 1.04–1.36×).
	runtime.Gosched()
	if err != nil {
		return err
	}
	db.checkpointer.wrote.Store(true)
	db.local.Deliver(tx.invs)
	db.eventsCommitted(tx.events)
	for _, f := range hooks {
		f()
	}
	return nil
}

// commit runs the transaction tx on the writer held.
func (db *DB) commit(ctx context.Context, tx *connTx, fn func(tx *connTx) error) (err error) {
	c := tx.c
	if err := db.writer.intr.begin(ctx); err != nil {
		return err
	}
	defer db.writer.intr.end()
	if err := sqlitex.ExecuteTransient(c, "BEGIN IMMEDIATE", nil); err != nil {
		return connErr(ctx, err)
	}
	defer func() {
		tx.resetAll()
		if err != nil && !c.AutocommitEnabled() {
			db.writer.intr.end() // so that a done ctx does not refuse the ROLLBACK
			_ = sqlitex.ExecuteTransient(c, "ROLLBACK", nil)
		}
	}()
	if tx.id != "" {
		if _, err := tx.Tenant(ctx); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return connErr(ctx, err)
	}
	if err := tx.insertInvalidations(ctx); err != nil {
		return err
	}
	if tx.err != nil {
		return tx.err
	}
	tx.resetAll()
	if err := sqlitex.ExecuteTransient(c, "COMMIT", nil); err != nil {
		return connErr(ctx, err)
	}
	return nil
}

// insertInvalidations writes the transaction's invalidations, marked with
// this process's origin; the single writer makes the id order the commit
// order.
func (tx *connTx) insertInvalidations(ctx context.Context) error {
	now := time.Now()
	for _, inv := range tx.invs {
		if _, err := tx.Exec(ctx, insertInvalidationSQL, core.InvalidationArgs(tx.db.local.Origin(), inv, now)...); err != nil {
			return err
		}
	}
	return nil
}

// insertAudit writes a tenant's audit event, with an id after every id the
// store made before, its invalidations and its event into the outbox: the
// one place every audited change of a tenant passes, Tenantry's own and an
// extension's (Tx.Audit), so each one reaches the tenant's event streams.
func (tx *connTx) insertAudit(ctx context.Context, ev *tenantry.AuditEvent) error {
	ev.ID = tx.db.ids.next()
	if _, err := tx.Exec(ctx, core.InsertAuditSQL, core.AuditArgs(ev)...); err != nil {
		return err
	}
	tx.invs = append(tx.invs, ev.Invalidations()...)
	return tx.insertEvent(ctx, tenantry.NewEvent(ev))
}

// insertPlatformAudit writes a platform event, with an id after every id
// the store made before, and its invalidations; its TenantID is the
// subject tenant, if any.
func (tx *connTx) insertPlatformAudit(ctx context.Context, ev *tenantry.AuditEvent) error {
	ev.ID = tx.db.ids.next()
	if _, err := tx.Exec(ctx, core.InsertPlatformAuditSQL, core.AuditArgs(ev)...); err != nil {
		return err
	}
	tx.invs = append(tx.invs, ev.Invalidations()...)
	return nil
}

// insertEvent writes ev into the outbox of its tenant: the tenant's counter
// row is incremented (created at 1) and ev gets the new value as its Seq.
// SQLite's single writer makes seq order the commit order. The tenant is
// noted, so that the store's event hook hears of it once the transaction
// commits.
func (tx *connTx) insertEvent(ctx context.Context, ev *tenantry.Event) error {
	if !outbox.Enabled {
		return nil
	}
	if err := tx.QueryRow(ctx, `INSERT INTO tenant_event_seqs (tenant_id, seq) VALUES ($1, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET seq = seq + 1 RETURNING seq`, ev.TenantID).Scan(&ev.Seq); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, core.InsertEventSQL, core.EventArgs(ev)...); err != nil {
		return err
	}
	for _, id := range tx.events {
		if id == ev.TenantID {
			return nil
		}
	}
	tx.events = append(tx.events, ev.TenantID)
	return nil
}
