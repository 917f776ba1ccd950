package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

// openTest opens the store at url with o, closed when the test ends.
func openTest(t *testing.T, url string, o Options) *DB {
	t.Helper()
	db, err := Open(context.Background(), url, tenantry.DefaultPlans(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// connectOwner connects to url as its (owning) user until the test ends.
func connectOwner(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
