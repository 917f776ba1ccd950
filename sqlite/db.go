// Package sqlite is the embedded default storage of Tenantry: it implements
// tenantry.Store on one SQLite file with the pure-Go SQLite of
// modernc.org/sqlite, reached through zombiezen.com/go/sqlite, and embeds
// its schema migrations.
//
// The file is opened in WAL mode with foreign keys on, a busy timeout of
// 5 seconds and synchronous=NORMAL. In WAL mode synchronous=NORMAL keeps the
// database consistent and every committed transaction durable against a
// crash of the application; only a power loss or an operating system crash
// may lose the last few transactions committed before it (the WAL is not
// fsynced at every commit). That trade is the usual one for an embedded
// server database; use PostgreSQL when it is not acceptable.
//
// Two kinds of connection are used, through zombiezen.com/go/sqlite over
// the same engine: one writer whose transactions begin with BEGIN
// IMMEDIATE, so writers queue in Go instead of failing with SQLITE_BUSY on
// a lock upgrade (write.go), and a pool of read-only readers, so reads
// never wait for writes (conn.go). Each connection prepares a statement
// once and keeps it. The migrations run through database/sql (goose) on a
// connection of their own.
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
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
	"github.com/tenantry/tenantry/internal/dbbus"
	_ "modernc.org/sqlite" // the database/sql driver of the migrations
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
	// writer runs the write transactions (write.go).
	writer *writer
	plans  tenantry.Plans
	path   string
	ids    idGen
	// exts are the builder's extensions: migrated after Tenantry's
	// schema, their tables checked.
	exts []tenantry.Extension
	// readers run the read transactions, a tenant's or global (conn.go).
	readers *readers
	// checkpointer copies the WAL into the database file (checkpoint.go).
	checkpointer *checkpointer
	// onEvents is told of each tenant whose outbox a commit grew (OnEvents).
	onEvents atomic.Pointer[func(tenantID string)]
	// local tells this process the invalidations of its commits
	// (OnInvalidation); its origin marks their rows.
	local *dbbus.Local
	// rules are what package core's rules know of the store.
	rules core.Config
	// platform is the store's Platform, made once.
	platform *core.Platform
}

// Stats returns the figures of the writer and the readers together:
// their connections and how many are in use (waits are not counted).
func (db *DB) Stats() tenantry.PoolStats {
	inUse := int(db.readers.inUse.Load())
	if len(db.writer.token) == 0 {
		inUse++
	}
	return tenantry.PoolStats{Max: 1 + readerConns, Open: 1 + readerConns, InUse: inUse}
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
	db := &DB{plans: plans, path: path, exts: exts, local: dbbus.NewLocal(),
		rules: core.Config{Plans: plans, Extensions: exts, Rows: rowStatements}}
	db.Accounts = core.NewAccounts(db.globals(), &db.rules)
	platform := core.NewPlatform(db.globals(), &db.rules)
	db.platform = &platform
	// The migrations run first, so the file exists, in WAL mode, before
	// the writer and the readers open it.
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	var err error
	if db.writer, err = openWriter(path); err != nil {
		return nil, err
	}
	if db.readers, err = openReaders(path, readerConns); err != nil {
		db.writer.close()
		return nil, err
	}
	if db.checkpointer, err = startCheckpointer(path); err != nil {
		db.readers.close()
		db.writer.close()
		return nil, err
	}
	return db, nil
}

// Migrate applies every pending embedded migration, Tenantry's and then
// each extension's, on a database/sql connection of its own.
func (db *DB) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	m, err := sql.Open("sqlite", db.path+"?_busy_timeout=5000&_foreign_keys=1&_synchronous=NORMAL&_journal_mode=WAL")
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", db.path, err)
	}
	defer m.Close()
	m.SetMaxOpenConns(1)
	p, err := goose.NewProvider(goose.DialectSQLite3, m, fsys)
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return db.migrateExtensions(ctx, m)
}

// Close closes the writer and the readers.
func (db *DB) Close() error {
	return errors.Join(db.checkpointer.close(), db.readers.close(), db.writer.close())
}

// Ping checks that the database answers (unavailable).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.globalRead(ctx, func(tx core.GlobalTx) error { return tx.QueryRow(ctx, "SELECT 1").Scan(&one) })
}

// Platform returns the cross-tenant operations (package core's, over the
// store's global transactions): each change is audited in platform_audit.
func (db *DB) Platform() tenantry.Platform { return db.platform }

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

// timeFormat is how times are stored: fixed width, so text order is time
// order, in UTC with microseconds.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// encTime encodes t for storage.
func encTime(t time.Time) string { return t.UTC().Format(timeFormat) }

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
