// Package app is the tenantry command as a library: Main runs what
// cmd/tenantry runs (serve, migrate, admin and tenant commands, the seed,
// plans, and the wiring of stores, caches, buses and limiters), and a
// builder's own main passes Options so that every command knows the
// builder's extensions and routes:
//
//	func main() {
//		app.Main(app.Options{Extensions: []tenantry.Extension{billing.Extension()}, Routes: billing.Routes()})
//	}
//
// Usage of the command:
//
//	tenantry serve [flags]                 run the server
//	tenantry migrate [flags]               apply the schema
//	tenantry admin create --email E --password P [--name N]
//	tenantry tenant create|list|suspend|activate|archive|delete|export|import
//
// Every command takes --data (TENANTRY_DATA, default ./data) and
// --database-url (DATABASE_URL); see "tenantry CMD -h" for the rest.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	goredis "github.com/redis/go-redis/v9"
	"github.com/tenantry/tenantry"
	tenantryhttp "github.com/tenantry/tenantry/http"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/projects"
	"github.com/tenantry/tenantry/redis"
	"github.com/tenantry/tenantry/sqlite"
)

// Options are what a builder adds to the tenantry command.
type Options struct {
	// Extensions are the builder's tenant tables: every command opens the
	// store with them (migrate migrates them, export and import carry
	// their rows).
	Extensions []tenantry.Extension
	// Routes are the builder's routes, served by serve inside Tenantry's
	// chain.
	Routes []tenantryhttp.Route
}

// Main runs the command named by os.Args with the process's environment,
// and exits 1 when it fails; it returns when the command succeeds.
func Main(o Options) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The Redis client logs through one process-wide hook: send its lines to
	// standard error as JSON, like the server's own.
	goredis.SetLogger(redis.Logger{L: slog.New(slog.NewJSONHandler(os.Stderr, nil))})
	if err := Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr, o); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tenantry:", err)
		}
		stop()
		os.Exit(1)
	}
}

const usage = `Tenantry: a multi-tenant SaaS backend.

Usage:
  tenantry serve     run the HTTP server (SQLite in --data, or --database-url)
  tenantry migrate   apply the database schema
  tenantry admin create --email E --password P [--name N]
  tenantry tenant create|list|suspend|activate|archive|delete|export|import

Run "tenantry COMMAND -h" for a command's flags.
`

// Run runs the command named by args[0] with o. It takes its environment
// as arguments so that tests can call it in process.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer, o Options) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	// Tenantry's own projects and tasks, and its webhooks, are extensions
	// like a builder's, first: every command knows their tables.
	o.Extensions = projects.With(withWebhooks(o.Extensions))
	if err := tenantry.ValidateExtensions(o.Extensions); err != nil {
		return err
	}
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, opts: o, setMemoryLimit: debug.SetMemoryLimit, setGCPercent: debug.SetGCPercent}
	switch args[0] {
	case "serve":
		return runServe(ctx, env, args[1:])
	case "migrate":
		return runMigrate(ctx, env, args[1:])
	case "admin":
		return runAdmin(ctx, env, args[1:])
	case "tenant":
		return runTenant(ctx, env, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// environment is what a command reads and writes besides its flags.
type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	opts   Options
	// setMemoryLimit is debug.SetMemoryLimit, setGCPercent
	// debug.SetGCPercent.
	setMemoryLimit func(int64) int64
	setGCPercent   func(int) int
}

// env returns the environment variable key, or def when it is unset.
func (e *environment) env(key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// storeFlags are the flags every command uses to reach the database.
type storeFlags struct {
	data          string
	databaseURL   string
	tenantSetting string
	// notes receives a line saying where a new SQLite database is made, so
	// that a command run without DATABASE_URL never writes to ./data
	// silently.
	notes io.Writer
	// exts are the extensions every store opens with: Tenantry's own
	// projects, then the builder's (Run puts them in Options).
	exts []tenantry.Extension
}

func (e *environment) addStoreFlags(fs *flag.FlagSet) *storeFlags {
	sf := &storeFlags{notes: e.stderr, exts: e.opts.Extensions}
	fs.StringVar(&sf.data, "data", e.env("TENANTRY_DATA", "./data"), "data directory: the SQLite database and generated secrets (TENANTRY_DATA)")
	fs.StringVar(&sf.databaseURL, "database-url", e.getenv("DATABASE_URL"), "PostgreSQL URL; SQLite in --data when empty (DATABASE_URL)")
	fs.StringVar(&sf.tenantSetting, "pg-tenant-setting", e.env("TENANTRY_PG_TENANT_SETTING", "set-local"), "how PostgreSQL transactions set their tenant: set-local (SET LOCAL, which Citus forwards) or set-config (set_config, one prepared statement for every tenant: faster with thousands of active tenants; single PostgreSQL only) (TENANTRY_PG_TENANT_SETTING)")
	return sf
}

// database is an opened store with its migration entry point.
type database interface {
	tenantry.Store
	Migrate(ctx context.Context) error
	Stats() tenantry.PoolStats
	// OnEvents sets the function told of each tenant whose outbox a
	// commit grew.
	OnEvents(fn func(tenantID string))
}

// open opens (and migrates) the configured backend.
func (sf *storeFlags) open(ctx context.Context, plans tenantry.Plans) (database, error) {
	if sf.databaseURL != "" {
		if !strings.HasPrefix(sf.databaseURL, "postgres://") && !strings.HasPrefix(sf.databaseURL, "postgresql://") {
			return nil, errors.New("--database-url must be a postgres:// URL")
		}
		setting, err := postgres.ParseTenantSetting(sf.tenantSetting)
		if err != nil {
			return nil, fmt.Errorf("--pg-tenant-setting: %w", err)
		}
		return postgres.Open(ctx, sf.databaseURL, plans, postgres.Options{TenantSetting: setting, Extensions: sf.exts})
	}
	if err := os.MkdirAll(sf.data, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(sf.data, "tenantry.db")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && sf.notes != nil {
		fmt.Fprintf(sf.notes, "tenantry: no DATABASE_URL or --database-url given: creating a new SQLite database at %s\n", path)
	}
	return sqlite.Open(ctx, path, plans, sf.exts...)
}

// newFlagSet returns a flag set that prints its usage to stderr.
func (e *environment) newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}
