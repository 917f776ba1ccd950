// Package sqlite is the embedded default storage of Tenantry: it implements
// tenantry.Store on one SQLite file with the pure-Go modernc.org/sqlite
// driver, and embeds its schema migrations.
//
// The file is opened in WAL mode with foreign keys on, a busy timeout of
// 5 seconds and synchronous=NORMAL. In WAL mode synchronous=NORMAL keeps the
// database consistent and every committed transaction durable against a
// crash of the application; only a power loss or an operating system crash
// may lose the last few transactions committed before it (the WAL is not
// fsynced at every commit). That trade is the usual one for an embedded
// server database; use PostgreSQL when it is not acceptable.
//
// Two connection pools are used: a writer pool of exactly one connection
// whose transactions begin with BEGIN IMMEDIATE, so writers queue in Go
// instead of failing with SQLITE_BUSY on a lock upgrade, and a read-only
// pool of several connections, so reads never wait for writes. Statements
// are prepared once per pool and cached.
//
// Tenant rows are reachable only through the handle that DB.Tenant returns;
// every query of a handle filters on its tenant id. Cross-tenant operations
// live in Platform.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
	"github.com/tenantry/tenantry/internal/dbbus"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// readerCacheSize bounds each reader connection's page cache to 1 MiB
// (SQLite's default is 2 MiB): the pages of a read that misses it come
// from the operating system's cache of the file, and the process stays
// within its memory budget (docs/benchmarks.md, peak memory).
const readerCacheSize = "cache_size(-1024)"

// readerConns is the size of the reader pool (readers), which runs every
// read. SQLite's reads are CPU work, so more connections than cores add
// page caches, not speed.
const readerConns = 4

// DB is a Tenantry store on one SQLite file. It implements tenantry.Store.
type DB struct {
	// Accounts are the rules of users, refresh tokens and password resets
	// (package core), over the store's global transactions (global.go).
	core.Accounts
	w     *sql.DB // one connection, BEGIN IMMEDIATE
	plans tenantry.Plans
	path  string
	ids   idGen
	ws    *stmtCache // statements prepared on w
	// exts are the builder's extensions: migrated after Tenantry's
	// schema, their tables checked.
	exts []tenantry.Extension
	// readers run the read transactions, a tenant's or global (reader.go).
	readers *readers
	// rewritten caches the SQLite text of the tenant transactions'
	// statements (numbered), so a statement is rewritten once.
	rewritten *rewrites
	// onEvents is told of each tenant whose outbox a commit grew (OnEvents).
	onEvents atomic.Pointer[func(tenantID string)]
	// local tells this process the invalidations of its commits
	// (OnInvalidation); its origin marks their rows.
	local *dbbus.Local
	// rules are what package core's rules know of the store.
	rules core.Config
	// platform is the store's Platform, made once.
	platform *Platform
}

// Stats returns the figures of the writer and the readers together (the
// readers' waits are not counted).
func (db *DB) Stats() tenantry.PoolStats {
	w := db.w.Stats()
	return tenantry.PoolStats{
		Max:          w.MaxOpenConnections + readerConns,
		Open:         w.OpenConnections + readerConns,
		InUse:        w.InUse + int(db.readers.inUse.Load()),
		WaitCount:    w.WaitCount,
		WaitDuration: w.WaitDuration,
	}
}

var _ tenantry.Store = (*DB)(nil)

// Open opens (creating when needed) the SQLite database at path, creating
// its directory, and applies the pending migrations, Tenantry's and then
// each extension's; it refuses a declared table that breaks
// tenantry.CheckTable. plans are the plans whose limits the store enforces.
func Open(ctx context.Context, path string, plans tenantry.Plans, exts ...tenantry.Extension) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: empty path")
	}
	if err := tenantry.ValidateExtensions(exts); err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: create directory: %w", err)
		}
	}
	common := "_busy_timeout=5000&_foreign_keys=1&_synchronous=NORMAL"
	w, err := sql.Open("sqlite", path+"?"+common+"&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// The writer connects first so the file exists and is in WAL mode before
	// any reader opens it.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	rd, err := openReaders(path, readerConns)
	if err != nil {
		w.Close()
		return nil, err
	}
	db := &DB{w: w, readers: rd, plans: plans, path: path, ws: newStmtCache(w), exts: exts, local: dbbus.NewLocal(), rules: core.Config{Plans: plans, Extensions: exts, Rows: rowStatements},
		rewritten: newRewrites()}
	db.Accounts = core.NewAccounts(db.globals(), &db.rules)
	db.platform = &Platform{Platform: core.NewPlatform(db.globals(), &db.rules), db: db}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Migrate applies every pending embedded migration.
func (db *DB) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.w, fsys)
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return db.migrateExtensions(ctx)
}

// Close closes both connection pools.
func (db *DB) Close() error {
	return errors.Join(db.readers.close(), db.ws.close(), db.w.Close())
}

// Ping checks that the database answers (unavailable).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.readers.read(ctx, "", db.rewritten, false, func(tx tenantry.Tx) error {
		return tx.QueryRow(ctx, "SELECT 1").Scan(&one)
	})
}

// Platform returns the cross-tenant operations.
func (db *DB) Platform() tenantry.Platform { return db.platform }

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// wtx is a write transaction. Its newID makes ids that sort after every
// id it made before, so ids made by one store are in creation order even
// within one millisecond.
type wtx struct {
	*sql.Tx
	ids    *idGen
	stmts  *stmtCache
	missed []string // queries to prepare once the transaction ends
	events []string // tenants whose outbox the transaction wrote to
	// invs are the invalidations the transaction writes before it
	// commits (invalidate) and delivers after.
	invs []tenantry.Invalidation
}

// ExecContext runs query with a cached prepared statement.
func (tx *wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmts.lookup(query, &tx.missed); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs query with a cached prepared statement.
func (tx *wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmts.lookup(query, &tx.missed); st != nil {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query with a cached prepared statement.
func (tx *wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.stmts.lookup(query, &tx.missed); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// stmtCache keeps one prepared statement per query text. Query texts are
// built from constants only (values are always bound), so it stays small.
type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}}
}

// get returns the prepared statement of query, preparing it once.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	st, ok := c.stmts[query]
	c.mu.Unlock()
	if ok {
		return st, nil
	}
	// The lock is not held while preparing: preparing may wait for a
	// connection that a transaction holds, and that transaction looks up
	// statements too.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok {
		st.Close()
		return prev, nil
	}
	c.stmts[query] = st
	return st, nil
}

// lookup returns the prepared statement of query, or nil after adding
// query to missed. A transaction cannot prepare a pool statement while it
// holds its connection (the writer pool has only one), so statements are
// prepared after the transaction ends, by prepare.
func (c *stmtCache) lookup(query string, missed *[]string) *sql.Stmt {
	c.mu.Lock()
	st := c.stmts[query]
	c.mu.Unlock()
	if st == nil {
		*missed = append(*missed, query)
	}
	return st
}

// prepare prepares the queries not yet cached; failures are ignored (the
// queries then keep running unprepared).
func (c *stmtCache) prepare(queries []string) {
	for _, q := range queries {
		c.get(context.Background(), q)
	}
}

// close closes every cached statement.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, st := range c.stmts {
		errs = append(errs, st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}

// newID returns a new UUIDv7 greater than every id newID returned before.
func (tx *wtx) newID() string { return tx.ids.next() }

// idGen makes strictly increasing UUIDv7 ids.
type idGen struct {
	mu   sync.Mutex
	last string
}

// next returns tenantry.NewID(), or the successor of the last id when the
// new one does not sort after it (same millisecond).
func (g *idGen) next() string {
	id := tenantry.NewID()
	g.mu.Lock()
	defer g.mu.Unlock()
	if id <= g.last {
		if s, ok := successor(g.last); ok {
			id = s
		} else {
			time.Sleep(time.Millisecond)
			id = tenantry.NewID()
		}
	}
	g.last = id
	return id
}

// successor adds one to the last 12 hex digits of a UUID (its random
// bits), reporting false on overflow.
func successor(id string) (string, bool) {
	b := []byte(id)
	for i := len(b) - 1; i >= 24; i-- {
		switch c := b[i]; {
		case c == 'f':
			b[i] = '0'
			continue
		case c == '9':
			b[i] = 'a'
		default:
			b[i] = c + 1
		}
		return string(b), true
	}
	return "", false
}

// write runs fn in one write transaction (BEGIN IMMEDIATE): it commits when
// fn returns nil and rolls back otherwise.
func (db *DB) write(ctx context.Context, fn func(tx *wtx) error) error {
	stx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(err)
	}
	tx := &wtx{Tx: stx, ids: &db.ids, stmts: db.ws}
	defer func() { db.ws.prepare(tx.missed) }()
	if err := fn(tx); err != nil {
		tx.Rollback()
		return dbErr(err)
	}
	if err := insertInvalidations(ctx, tx, db.local.Origin(), tx.invs); err != nil {
		tx.Rollback()
		return dbErr(err)
	}
	if err := tx.Commit(); err != nil {
		return dbErr(err)
	}
	db.local.Deliver(tx.invs)
	db.eventsCommitted(tx.events)
	return nil
}

// dbErr turns errors of a closed or unreachable database into unavailable,
// CHECK constraint failures into validation_failed (with a generic message)
// and leaves every other error as it is.
func dbErr(err error) error {
	if err == nil {
		return nil
	}
	var te *tenantry.Error
	if errors.As(err, &te) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "sql: database is closed") {
		return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.EUNAVAILABLE, "The database is unavailable."), err)
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		if se.Code() == sqlite3.SQLITE_CONSTRAINT_CHECK {
			return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.EINVALID, "A value is not allowed."), err)
		}
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL:
			return fmt.Errorf("%w: %w", tenantry.Errorf(tenantry.EUNAVAILABLE, "The database is unavailable."), err)
		}
	}
	return err
}

// timeFormat is how times are stored: fixed width, so text order is time
// order, in UTC with microseconds.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// encTime encodes t for storage.
func encTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// encNullTime encodes an optional time.
func encNullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return encTime(*t)
}

// parseStored parses a time in timeFormat, the form every stored time
// has, without time.Parse's general layout machinery; ok is false for any
// other text (timeScan then tries RFC 3339).
func parseStored[T string | []byte](s T) (t time.Time, ok bool) {
	if len(s) != len(timeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[26] != 'Z' {
		return time.Time{}, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
				return 0
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	ok = true
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, micro := num(11, 13), num(14, 16), num(17, 19), num(20, 26)
	if !ok || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, micro*1000, time.UTC), true
}

// daysIn returns the number of days of month m of year.
func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// timeScan scans a stored time into *T.
type timeScan struct{ t *time.Time }

// Scan implements sql.Scanner.
func (s timeScan) Scan(src any) error {
	var str string
	switch v := src.(type) {
	case string:
		str = v
	case []byte:
		str = string(v)
	case time.Time:
		*s.t = v.UTC()
		return nil
	default:
		return fmt.Errorf("sqlite: cannot scan %T into a time", src)
	}
	if t, ok := parseStored(str); ok {
		*s.t = t
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, str)
	if err != nil {
		return fmt.Errorf("sqlite: parse time %q: %w", str, err)
	}
	*s.t = t.UTC()
	return nil
}

// nullTimeScan scans an optional stored time into **T.
type nullTimeScan struct{ t **time.Time }

// Scan implements sql.Scanner.
func (s nullTimeScan) Scan(src any) error {
	if src == nil {
		*s.t = nil
		return nil
	}
	var t time.Time
	if err := (timeScan{&t}).Scan(src); err != nil {
		return err
	}
	*s.t = &t
	return nil
}

// nullString returns nil for "" and s otherwise.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
