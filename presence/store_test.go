package presence_test

import (
	"context"
	"os"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/presence"
)

// runStore is the conformance suite of a presence.Store.
func runStore(t *testing.T, s presence.Store) {
	ctx := t.Context()
	ta, tb := tenantry.NewID(), tenantry.NewID()
	topic := "project:" + tenantry.NewID()
	alice := presence.Entry{Conn: "c1", UserID: "u-alice", Name: "Alice", Email: "alice@example.com"}
	bob := presence.Entry{Conn: "c2", UserID: "u-bob", Name: "Bob"}
	eve := presence.Entry{Conn: "c3", UserID: "u-eve", Name: "Eve"}
	join := func(tenant string, e presence.Entry, ttl time.Duration, limit int64) bool {
		t.Helper()
		ok, err := s.Join(ctx, tenant, topic, e, ttl, limit)
		if err != nil {
			t.Fatalf("Join(%s): %v", e.Conn, err)
		}
		return ok
	}
	list := func(tenant string) []presence.Entry {
		t.Helper()
		es, err := s.List(ctx, tenant, topic)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		return es
	}
	conns := func(es []presence.Entry) string {
		out := ""
		for _, e := range es {
			out += e.Conn + " "
		}
		return out
	}

	// Keys carry the tenant: the same topic of another tenant is another
	// set of entries.
	join(ta, alice, time.Minute, -1)
	join(ta, bob, time.Minute, -1)
	join(tb, eve, time.Minute, -1)
	if got, want := conns(list(ta)), "c1 c2 "; got != want {
		t.Errorf("tenant A: got %q, want %q", got, want)
	}
	if got, want := conns(list(tb)), "c3 "; got != want {
		t.Errorf("tenant B: got %q, want %q", got, want)
	}
	if got := list(ta)[0]; got != alice {
		t.Errorf("entry: got %+v, want %+v", got, alice)
	}
	es, err := s.List(ctx, ta, "projects")
	if err != nil || len(es) != 0 {
		t.Errorf("another topic: got %v, %v, want none", es, err)
	}

	// The limit refuses a new conn, not a refresh.
	if join(ta, eve, time.Minute, 2) {
		t.Errorf("Join over the limit: joined, want refused")
	}
	if !join(ta, alice, time.Minute, 2) {
		t.Errorf("refresh at the limit: refused, want joined")
	}
	if got := len(list(ta)); got != 2 {
		t.Errorf("after refresh: %d entries, want 2", got)
	}

	// Leave removes one entry; the other tenant's stays.
	if err := s.Leave(ctx, ta, topic, "c2"); err != nil {
		t.Fatal(err)
	}
	if err := s.Leave(ctx, ta, topic, "c3"); err != nil {
		t.Fatal(err)
	}
	if got, want := conns(list(ta)), "c1 "; got != want {
		t.Errorf("after leave: got %q, want %q", got, want)
	}
	if got, want := conns(list(tb)), "c3 "; got != want {
		t.Errorf("tenant B after A's leave of c3: got %q, want %q", got, want)
	}

	// A quiet entry expires; a refreshed one stays.
	join(ta, bob, 300*time.Millisecond, -1)
	time.Sleep(150 * time.Millisecond)
	join(ta, alice, 300*time.Millisecond, -1)
	time.Sleep(250 * time.Millisecond)
	if got, want := conns(list(ta)), "c1 "; got != want {
		t.Errorf("after bob went quiet: got %q, want %q", got, want)
	}
	if !join(ta, bob, time.Minute, 2) {
		t.Errorf("Join after an expiry freed a place: refused")
	}
}

func TestMemory(t *testing.T) { runStore(t, presence.NewMemory()) }

func TestRedis(t *testing.T) {
	url := os.Getenv("TENANTRY_TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("TENANTRY_TEST_REQUIRE_REDIS") == "1" {
			t.Fatal("TENANTRY_TEST_REQUIRE_REDIS=1 but TENANTRY_TEST_REDIS_URL is unset")
		}
		t.Skip("TENANTRY_TEST_REDIS_URL not set")
	}
	opt, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	client := goredis.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", url, err)
	}
	prefix := "tenantry-test:presence:" + tenantry.NewID() + ":"
	s := presence.NewRedis(client, prefix)
	runStore(t, s)
	// Two stores on one Redis share the entries.
	other := presence.NewRedis(client, prefix)
	tn := tenantry.NewID()
	if _, err := s.Join(t.Context(), tn, "projects", presence.Entry{Conn: "x", UserID: "u"}, time.Minute, -1); err != nil {
		t.Fatal(err)
	}
	es, err := other.List(t.Context(), tn, "projects")
	if err != nil || len(es) != 1 || es[0].Conn != "x" {
		t.Errorf("second store: got %v, %v, want the entry", es, err)
	}
	keys, err := client.Keys(t.Context(), prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if ttl := client.PTTL(t.Context(), k).Val(); ttl <= 0 {
			t.Errorf("key %s: ttl %v, want one", k, ttl)
		}
	}
}

func TestOthers(t *testing.T) {
	es := []presence.Entry{{Conn: "a", UserID: "u1"}, {Conn: "b", UserID: "u2"}, {Conn: "c", UserID: "u1"}, {Conn: "d", UserID: "u3"}, {Conn: "e", UserID: "u2"}}
	got := presence.Others(es, "u2")
	want := []string{"u1", "u3"}
	if len(got) != len(want) {
		t.Fatalf("Others: got %+v, want users %v", got, want)
	}
	for i := range want {
		if got[i].UserID != want[i] {
			t.Errorf("Others[%d]: got %s, want %s", i, got[i].UserID, want[i])
		}
	}
}
