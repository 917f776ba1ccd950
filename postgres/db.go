// Package postgres is the PostgreSQL storage of Tenantry, with row level
// security as a second wall behind the tenant-bound handles.
//
// Open migrates the schema as the connecting user, then opens a pool whose
// every connection runs SET ROLE tenantry_app: a role that is not superuser,
// has no BYPASSRLS and owns no table, so the row level security policies
// always apply. Open refuses to start otherwise.
//
// Every tenant table has tenant_id first in its primary key and in every
// foreign and unique key, and a policy tenant_isolation that shows and
// accepts only rows whose tenant_id is the transaction's app.tenant_id. A
// TenantStore sets it per transaction with SET LOCAL app.tenant_id = '<uuid>'
// (the uuid parsed by tenantry.ParseID), sent in the same round trip as BEGIN
// and the first statement, and every query also filters tenant_id
// explicitly.
//
// Two read-only exceptions exist, both named in the migration:
// members_self_read lets UserMemberships read one user's memberships across
// tenants (app.user_id is set in that transaction only), and
// audit_events_platform_read lets Platform.AuditEvents read audit events
// across tenants (app.platform = 'on' in that transaction only). Every other
// platform operation on a tenant's rows sets that tenant in turn.
package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
	"github.com/tenantry/tenantry/internal/dbbus"
)

//go:embed migrations/*.sql
var migrations embed.FS

// RuntimeRole is the role every pooled connection assumes.
const RuntimeRole = "tenantry_app"

// DefaultMaxConns is the pool size Open uses when neither Options nor the
// URL sets one: 4 × GOMAXPROCS, at least 8.
func DefaultMaxConns() int32 { return int32(max(8, 4*runtime.GOMAXPROCS(0))) }

// Options tunes Open. Zero values take defaults.
type Options struct {
	// MaxConns is the pool size. The default is pool_max_conns from the
	// URL, else DefaultMaxConns: more connections than cores, because a
	// write spends most of its time waiting for its commit's WAL flush, and
	// concurrent commits share one flush.
	MaxConns int32
	// StatementTimeout bounds every statement (default 5s).
	StatementTimeout time.Duration
	// TenantSetting is how a transaction's tenant is set (default
	// SetLocal).
	TenantSetting TenantSetting
	// SkipMigrate opens the pool without migrating first.
	SkipMigrate bool
	// Extensions are a builder's tenant tables: migrated after Tenantry's
	// schema, checked (tenantry.CheckTable) and given row level security,
	// their policy and the runtime role's grant by Tenantry itself.
	Extensions []tenantry.Extension
	// tracer, when set, traces every statement of the store's connections
	// (tests record them).
	tracer pgx.QueryTracer
}

// DB is the PostgreSQL store. It implements tenantry.Store.
type DB struct {
	// Accounts are the rules of users, refresh tokens and password resets
	// (package core), over the store's global transactions (global.go).
	core.Accounts
	url    string
	pool   *pgxpool.Pool
	plans  tenantry.Plans
	tenant TenantSetting
	exts   []tenantry.Extension
	// citus is set when the database is a Citus coordinator (citus.go).
	citus  bool
	tracer pgx.QueryTracer
	// onEvents is told of each tenant whose write committed (OnEvents).
	onEvents atomic.Pointer[func(tenantID string)]
	// local tells this process the invalidations of its commits
	// (OnInvalidation); its origin marks their rows.
	local *dbbus.Local
	// rules are what package core's rules know of the store.
	rules core.Config
	// platform is the store's Platform, made once.
	platform *core.Platform
}

var _ tenantry.Store = (*DB)(nil)

// wire builds package core's rules over db's transactions, with db.rules.
func (db *DB) wire() {
	db.Accounts = core.NewAccounts(db.globals(), &db.rules)
	platform := core.NewPlatform(db.globals(), &db.rules)
	db.platform = &platform
}

// Open migrates the database at url (as the connecting user), then opens
// the runtime pool as tenantry_app. It fails when that role cannot be
// assumed, is superuser, has BYPASSRLS or owns a table. On a Citus
// coordinator the pool also sets citus.propagate_set_commands, and Open
// refuses the set-config tenant setting and refuses to serve while the
// cluster is not as Tenantry needs it (citus.go).
func Open(ctx context.Context, url string, plans tenantry.Plans, opts ...Options) (*DB, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 5 * time.Second
	}
	if plans == nil {
		plans = tenantry.DefaultPlans()
	}
	if err := tenantry.ValidateExtensions(o.Extensions); err != nil {
		return nil, err
	}
	db := &DB{url: url, plans: plans, tenant: o.TenantSetting, exts: o.Extensions, tracer: o.tracer, local: dbbus.NewLocal(),
		rules: core.Config{Plans: plans, Extensions: o.Extensions, Rows: rowStatements}}
	db.wire()
	if !o.SkipMigrate {
		if err := db.Migrate(ctx); err != nil {
			return nil, err
		}
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	switch {
	case o.MaxConns > 0:
		cfg.MaxConns = o.MaxConns
	case !strings.Contains(url, "pool_max_conns"):
		cfg.MaxConns = DefaultMaxConns()
	}
	if err := db.detectCitus(ctx); err != nil {
		return nil, err
	}
	cfg.ConnConfig.Tracer = db.tracer
	cfg.ConnConfig.DefaultQueryExecMode = batchMode
	setup := "SET ROLE " + RuntimeRole + "; SET statement_timeout = " +
		strconv.FormatInt(o.StatementTimeout.Milliseconds(), 10)
	if db.citus {
		setup += "; " + citusSessionSetup
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		// No arguments: one simple-protocol round trip for both.
		_, err := c.Exec(ctx, setup)
		return err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	db.pool = pool
	if err := db.checkRole(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := db.checkTenantTables(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := db.checkCitus(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// checkTenantTables refuses to serve while any table of the database with
// a tenant_id column, Tenantry's or anybody else's, lacks the wall: row
// level security enabled and forced, and a policy with both USING and WITH
// CHECK. A builder's table added by hand without them stops the server
// with its name, instead of serving every tenant's rows to every tenant.
func (db *DB) checkTenantTables(ctx context.Context) error {
	rows, err := db.pool.Query(ctx, `SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity,
		EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polqual IS NOT NULL AND p.polwithcheck IS NOT NULL)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
		ORDER BY 1, 2`)
	if err != nil {
		return fmt.Errorf("postgres: check tenant tables: %w", err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var schema, table string
		var enabled, forced, policy bool
		if err := rows.Scan(&schema, &table, &enabled, &forced, &policy); err != nil {
			return fmt.Errorf("postgres: check tenant tables: %w", err)
		}
		var why string
		switch {
		case !enabled:
			why = "row level security is not enabled"
		case !forced:
			why = "row level security is not forced"
		case !policy:
			why = "no policy has both USING and WITH CHECK"
		default:
			continue
		}
		bad = append(bad, schema+"."+table+" ("+why+")")
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: check tenant tables: %w", err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("postgres: tables with a tenant_id column lack row level security: %s: refusing to start", strings.Join(bad, ", "))
	}
	return nil
}

// checkRole refuses a runtime role that would bypass row level security.
func (db *DB) checkRole(ctx context.Context) error {
	var (
		user          string
		super, bypass bool
		owned         int64
	)
	err := db.pool.QueryRow(ctx, `SELECT current_user, r.rolsuper, r.rolbypassrls,
		(SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p'))
		FROM pg_roles r WHERE r.rolname = current_user`).Scan(&user, &super, &bypass, &owned)
	if err != nil {
		return fmt.Errorf("postgres: assume role %s: %w", RuntimeRole, err)
	}
	switch {
	case user != RuntimeRole:
		return fmt.Errorf("postgres: runtime role is %q, want %q", user, RuntimeRole)
	case super:
		return fmt.Errorf("postgres: runtime role %s is superuser: refusing to start", user)
	case bypass:
		return fmt.Errorf("postgres: runtime role %s has BYPASSRLS: refusing to start", user)
	case owned > 0:
		return fmt.Errorf("postgres: runtime role %s owns %d tables: refusing to start", user, owned)
	}
	return nil
}

// Migrate applies the embedded migrations as the connecting user. A
// session advisory lock (scoped to the database) makes concurrent
// migrations safe. On a Citus coordinator it then distributes the tables
// (citus.go).
func (db *DB) Migrate(ctx context.Context) error {
	// The pool's parser takes the pool_* parameters out of the URL, which
	// the server would refuse as unknown run-time parameters.
	pc, err := pgxpool.ParseConfig(db.url)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	pc.ConnConfig.Tracer = db.tracer
	sqlDB := stdlib.OpenDB(*pc.ConnConfig)
	defer sqlDB.Close()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, sub,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	if err := db.migrateExtensions(ctx, sqlDB, locker); err != nil {
		return err
	}
	return db.distribute(ctx)
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return tenantry.Errorf(tenantry.EUNAVAILABLE, "The database is unavailable.")
	}
	return nil
}

// Close closes the pool.
func (db *DB) Close() error {
	if db.pool != nil {
		db.pool.Close()
	}
	return nil
}

// Stats returns the runtime pool's figures.
func (db *DB) Stats() tenantry.PoolStats {
	st := db.pool.Stat()
	return tenantry.PoolStats{
		Max:          int(st.MaxConns()),
		Open:         int(st.TotalConns()),
		InUse:        int(st.AcquiredConns()),
		WaitCount:    st.EmptyAcquireCount(),
		WaitDuration: st.AcquireDuration(),
	}
}

// TenantSetting is how a transaction's tenant (app.tenant_id, which every
// row level security policy reads) is set. Both forms last until the
// transaction ends, so a pooled connection never carries a tenant into
// the next request.
type TenantSetting int

const (
	// SetLocal sends SET LOCAL app.tenant_id = '<uuid>' with a UUID the
	// server parsed itself: the form Citus forwards to its workers. Its
	// text differs per tenant, so it is never prepared: it travels
	// unnamed in the round trip of the statements it precedes
	// (prepare.go), and a tenant new to a connection costs what any other
	// does, with 10,000 tenants as with ten.
	SetLocal TenantSetting = iota
	// SetConfig sends SELECT set_config('app.tenant_id', $1, true): one
	// prepared statement for every tenant, with the same transaction-local
	// effect on a single PostgreSQL. Citus does not forward it: use
	// SetLocal there.
	SetConfig
)

// ParseTenantSetting parses "set-local" or "set-config".
func ParseTenantSetting(s string) (TenantSetting, error) {
	switch s {
	case "set-local", "":
		return SetLocal, nil
	case "set-config":
		return SetConfig, nil
	}
	return SetLocal, fmt.Errorf("postgres: tenant setting %q: want set-local or set-config", s)
}

// queueTenant queues the statement that sets the transaction's tenant to
// id, which must come from tenantry.ParseID.
func (db *DB) queueTenant(b *pgx.Batch, id string) {
	if db.tenant == SetConfig {
		b.Queue(`SELECT set_config('app.tenant_id', $1, true)`, id)
		return
	}
	b.Queue(setTenantPrefix + id + "'")
}
