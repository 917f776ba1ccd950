package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
	"github.com/tenantry/tenantry/storetest"
)

func TestBrowserSessions(t *testing.T) {
	storetest.RunBrowserSessions(t, func(t *testing.T) tenantry.BrowserSessionStore {
		return openStore(t).(*postgres.DB).BrowserSessions(0)
	})
}

// TestBrowserSessionsShared checks that a session saved through one pool is
// seen through another on the same database (another server process), and
// that Prune deletes expired rows.
func TestBrowserSessionsShared(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	open := func() *core.BrowserSessions {
		db, err := postgres.Open(ctx, url, tenantry.DefaultPlans())
		if err != nil {
			t.Fatalf("postgres.Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db.BrowserSessions(time.Hour)
	}
	a, b := open(), open()
	now := time.Now()
	if err := a.Save(ctx, &tenantry.BrowserSession{ID: "live", UserID: "u1", LastSeen: now, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.Save(ctx, &tenantry.BrowserSession{ID: "old", UserID: "u2", LastSeen: now.Add(-2 * time.Hour), CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, "live"); err != nil || got == nil || got.UserID != "u1" {
		t.Fatalf("Get through the second pool: got %+v, %v; want the session of u1", got, err)
	}
	n, err := b.Prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("Prune: got %d rows deleted, want 1", n)
	}
}
