// Command tenantry runs the Tenantry multi-tenant SaaS backend and manages
// its database, platform admins and tenants.
//
// Usage:
//
//	tenantry serve [flags]                 run the server
//	tenantry migrate [flags]               apply the schema
//	tenantry admin create --email E --password P [--name N]
//	tenantry tenant create|list|suspend|activate|archive|delete|export|import
//
// Every command takes --data (TENANTRY_DATA, default ./data) and
// --database-url (DATABASE_URL); see "tenantry CMD -h" for the rest.
package main

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
	"strings"
	"syscall"

	goredis "github.com/redis/go-redis/v9"
	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/redis"
	"github.com/tenantry/tenantry/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The Redis client logs through one process-wide hook: send its lines to
	// standard error as JSON, like the server's own.
	goredis.SetLogger(redis.Logger{L: slog.New(slog.NewJSONHandler(os.Stderr, nil))})
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tenantry:", err)
		}
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

// run runs the command named by args[0]. It takes its environment as
// arguments so that tests can call it in process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
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
}

func (e *environment) addStoreFlags(fs *flag.FlagSet) *storeFlags {
	sf := &storeFlags{notes: e.stderr}
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
		return postgres.Open(ctx, sf.databaseURL, plans, postgres.Options{TenantSetting: setting})
	}
	if err := os.MkdirAll(sf.data, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(sf.data, "tenantry.db")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && sf.notes != nil {
		fmt.Fprintf(sf.notes, "tenantry: no DATABASE_URL or --database-url given: creating a new SQLite database at %s\n", path)
	}
	return sqlite.Open(ctx, path, plans)
}

// newFlagSet returns a flag set that prints its usage to stderr.
func (e *environment) newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}
