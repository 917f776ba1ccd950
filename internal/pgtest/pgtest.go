// Package pgtest gives tests a fresh PostgreSQL database of their own.
//
// Tests find the server through TENANTRY_TEST_DATABASE_URL (for example
// postgres://postgres@127.0.0.1:5432/test), a role allowed to create
// databases and roles. When it is unset the test is skipped, unless
// TENANTRY_TEST_REQUIRE_POSTGRES=1, which .ci/run sets so that CI never
// skips the PostgreSQL suite silently.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URL creates an empty database that is dropped when the test ends and
// returns a connection URL for it, as the same (privileged) user.
func URL(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv("TENANTRY_TEST_DATABASE_URL")
	if admin == "" {
		if os.Getenv("TENANTRY_TEST_REQUIRE_POSTGRES") == "1" {
			tb.Fatal("TENANTRY_TEST_REQUIRE_POSTGRES=1 but TENANTRY_TEST_DATABASE_URL is unset")
		}
		tb.Skip("TENANTRY_TEST_DATABASE_URL is unset: skipping PostgreSQL test")
	}
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("TENANTRY_TEST_DATABASE_URL: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "tenantry_t_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("connect to %s: %v", u.Redacted(), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Errorf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
