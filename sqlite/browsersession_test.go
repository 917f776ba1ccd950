package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/sqlite"
	"github.com/tenantry/tenantry/storetest"
)

func openSessionDB(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, tenantry.DefaultPlans())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestBrowserSessions(t *testing.T) {
	storetest.RunBrowserSessions(t, func(t *testing.T) tenantry.BrowserSessionStore {
		return openSessionDB(t, filepath.Join(t.TempDir(), "db")).BrowserSessions(0)
	})
}

// TestBrowserSessionsShared checks that a session saved through one handle
// on a file is seen through another (another process on the same --data)
// and that Prune deletes expired rows.
func TestBrowserSessionsShared(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	a := openSessionDB(t, path).BrowserSessions(time.Hour)
	b := openSessionDB(t, path).BrowserSessions(time.Hour)
	now := time.Now()
	if err := a.Save(ctx, &tenantry.BrowserSession{ID: "live", UserID: "u1", LastSeen: now, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.Save(ctx, &tenantry.BrowserSession{ID: "old", UserID: "u2", LastSeen: now.Add(-2 * time.Hour), CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, "live"); err != nil || got == nil || got.UserID != "u1" {
		t.Fatalf("Get through the second handle: got %+v, %v; want the session of u1", got, err)
	}
	n, err := b.Prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("Prune: got %d rows deleted, want 1", n)
	}
}
