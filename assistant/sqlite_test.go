package assistant_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/assistant"
	"github.com/tenantry/tenantry/inmem"
	"github.com/tenantry/tenantry/registry"
	"github.com/tenantry/tenantry/sqlite"
)

// seededSQLite opens a fresh SQLite store holding the tutorial's tenants
// from examples/tenants.jsonl.
func seededSQLite(tb testing.TB) (*sqlite.DB, map[string]*tenantry.Tenant) {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "tenantry.db"), tenantry.DefaultPlans())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	f, err := os.Open("../examples/tenants.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	entries, err := registry.Parse(f)
	if err != nil {
		tb.Fatal(err)
	}
	if _, _, err := registry.Apply(ctx, db.Platform(), db, entries); err != nil {
		tb.Fatal(err)
	}
	tenants := map[string]*tenantry.Tenant{}
	for _, e := range entries {
		t, err := db.TenantBySlug(ctx, e.Slug)
		if err != nil {
			tb.Fatal(err)
		}
		tenants[e.Slug] = t
	}
	return db, tenants
}

func TestChatSQLite(t *testing.T) {
	ctx := context.Background()
	db, tenants := seededSQLite(t)
	svc := assistant.New(db, tenantry.DefaultPlans(), inmem.NewRateLimiter(inmem.RateLimiterOptions{}), nil)

	acme, globex := tenants["acme"], tenants["globex"]
	sess, err := svc.CreateSession(ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	ans, err := svc.Chat(ctx, acme, sess.ID, "hello from acme")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ans.Reply, "Howdy from Acme! [ACME MOCK] You said: 'hello from acme'. Here's it reversed: 'emca morf olleh'"; got != want {
		t.Errorf("reply = %q, want %q", got, want)
	}
	gs, err := svc.CreateSession(ctx, globex)
	if err != nil {
		t.Fatal(err)
	}
	ans, err = svc.Chat(ctx, globex, gs.ID, "hello from globex")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ans.Reply, "Welcome from Globex. [GLOBEX MOCK] Echo: HELLO FROM GLOBEX"; got != want {
		t.Errorf("reply = %q, want %q", got, want)
	}

	// Cross-tenant use of Acme's session.
	_, err = svc.Chat(ctx, globex, sess.ID, "should fail")
	if got, want := tenantry.ErrorCode(err), tenantry.EFORBIDDEN; got != want {
		t.Errorf("cross-tenant code = %q, want %q", got, want)
	}

	// A second message carries history; the conversation is stored.
	if _, err := svc.Chat(ctx, acme, sess.ID, "again"); err != nil {
		t.Fatal(err)
	}
	msgs, next, err := svc.Messages(ctx, acme, sess.ID, tenantry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(msgs), 4; got != want || next != "" {
		t.Fatalf("messages = %d (next %q), want %d", got, next, want)
	}
	wantRoles := []string{"user", "assistant", "user", "assistant"}
	for i, m := range msgs {
		if m.Role != wantRoles[i] || m.SessionID != sess.ID || m.TenantID != acme.ID {
			t.Errorf("message %d = %s session %q tenant %q", i, m.Role, m.SessionID, m.TenantID)
		}
	}
	if got, want := msgs[3].Model, "mock-1"; got != want {
		t.Errorf("reply model = %q, want %q", got, want)
	}
	u, err := db.Tenant(acme.ID).Usage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.ChatMessagesToday, int64(2); got != want {
		t.Errorf("chat messages today = %d, want %d", got, want)
	}

	// Rate limit from tenants.jsonl: globex allows 4 per 10s, one is used.
	var limited error
	for i := 0; i < 4 && limited == nil; i++ {
		_, limited = svc.Chat(ctx, globex, gs.ID, "more")
	}
	if got, want := tenantry.ErrorCode(limited), tenantry.ERATELIMITED; got != want {
		t.Errorf("after 5 messages code = %q, want %q", got, want)
	}

	// An unknown session of the right tenant is not_found.
	_, err = svc.Chat(ctx, acme, assistant.PublicSessionID(acme.ID, tenantry.NewID()), "hi")
	if got, want := tenantry.ErrorCode(err), tenantry.ENOTFOUND; got != want {
		t.Errorf("unknown session code = %q, want %q", got, want)
	}
}
