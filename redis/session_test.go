package redis_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/auth"
	"github.com/tenantry/tenantry/redis"
	"github.com/tenantry/tenantry/storetest"
)

// testSession returns a session with every field set.
func testSession() *tenantry.BrowserSession {
	now := tenantry.Now()
	return &tenantry.BrowserSession{
		ID:          tenantry.NewID(),
		Host:        "acme.localhost:8080",
		UserID:      tenantry.NewID(),
		RefreshHash: auth.HashToken("rt_secret"),
		Chats:       map[string]string{tenantry.NewID(): "chat-1"},
		Flash:       "Saved.",
		Secret:      "tnt_once",
		CreatedAt:   now.Add(-time.Minute),
		LastSeen:    now,
	}
}

// sameSession reports a difference between got and want, comparing times
// with Equal.
func sameSession(t *testing.T, what string, got, want *tenantry.BrowserSession) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: got nil session, want %+v", what, want)
	}
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.LastSeen.Equal(want.LastSeen) {
		t.Errorf("%s: got times %v/%v, want %v/%v", what, got.CreatedAt, got.LastSeen, want.CreatedAt, want.LastSeen)
	}
	g, w := *got, *want
	g.CreatedAt, g.LastSeen, w.CreatedAt, w.LastSeen = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %+v, want %+v", what, g, w)
	}
}

func TestSessionStoreRoundTrip(t *testing.T) {
	store := redis.NewSessionStore(open(t, redisURL(t)), prefix(t), time.Hour)
	ctx := context.Background()
	tests := []struct {
		name string
		sess *tenantry.BrowserSession
	}{
		{"full", testSession()},
		{"minimal", &tenantry.BrowserSession{ID: tenantry.NewID(), Host: "localhost", UserID: tenantry.NewID(), CreatedAt: tenantry.Now(), LastSeen: tenantry.Now()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := store.Save(ctx, tt.sess); err != nil {
				t.Fatal(err)
			}
			got, err := store.Get(ctx, tt.sess.ID)
			if err != nil {
				t.Fatal(err)
			}
			sameSession(t, "Get after Save", got, tt.sess)
		})
	}
	got, err := store.Get(ctx, "unknown")
	if got != nil || err != nil {
		t.Errorf("Get(unknown): got (%v, %v), want (nil, nil)", got, err)
	}
}

func TestSessionStoreUpdateAndDelete(t *testing.T) {
	store := redis.NewSessionStore(open(t, redisURL(t)), prefix(t), time.Hour)
	ctx := context.Background()
	s := testSession()
	if err := store.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Flash = ""
	s.Chats = nil
	if err := store.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := store.Get(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameSession(t, "Get after second Save", got, s)
	if err := store.Delete(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	got, err = store.Get(ctx, s.ID)
	if got != nil || err != nil {
		t.Errorf("Get after Delete: got (%v, %v), want (nil, nil)", got, err)
	}
	if err := store.Delete(ctx, s.ID); err != nil {
		t.Errorf("Delete of a deleted session: got %v, want nil", err)
	}
}

func TestSessionStoreExpiry(t *testing.T) {
	client := open(t, redisURL(t))
	p := prefix(t)
	store := redis.NewSessionStore(client, p, 500*time.Millisecond)
	ctx := context.Background()
	s := testSession()
	if err := store.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	ttl, err := client.PTTL(ctx, p+s.ID).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 0 || ttl > 500*time.Millisecond {
		t.Errorf("TTL after Save: got %v, want in (0, 500ms]", ttl)
	}
	// A Save with a later LastSeen renews the time to live.
	time.Sleep(300 * time.Millisecond)
	s.LastSeen = tenantry.Now()
	if err := store.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if got, err := store.Get(ctx, s.ID); got == nil || err != nil {
		t.Fatalf("Get 600ms after first Save, 300ms after second: got (%v, %v), want the session", got, err)
	}
	time.Sleep(700 * time.Millisecond)
	got, err := store.Get(ctx, s.ID)
	if got != nil || err != nil {
		t.Errorf("Get after idle timeout: got (%v, %v), want (nil, nil)", got, err)
	}
}

func TestSessionStoreSharedAcrossProcesses(t *testing.T) {
	url := redisURL(t)
	p := prefix(t)
	// Two clients and stores stand for two server processes.
	a := redis.NewSessionStore(open(t, url), p, time.Hour)
	b := redis.NewSessionStore(open(t, url), p, time.Hour)
	ctx := context.Background()
	s := testSession()
	if err := a.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameSession(t, "b.Get after a.Save", got, s)
	if err := b.Delete(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Get(ctx, s.ID); got != nil || err != nil {
		t.Errorf("a.Get after b.Delete: got (%v, %v), want (nil, nil)", got, err)
	}
	// Another prefix is another namespace.
	other := redis.NewSessionStore(open(t, url), prefix(t), time.Hour)
	if err := a.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	if got, err := other.Get(ctx, s.ID); got != nil || err != nil {
		t.Errorf("Get under another prefix: got (%v, %v), want (nil, nil)", got, err)
	}
}

func TestSessionStoreConformance(t *testing.T) {
	url := redisURL(t)
	storetest.RunBrowserSessions(t, func(t *testing.T) tenantry.BrowserSessionStore {
		return redis.NewSessionStore(open(t, url), prefix(t), 0)
	})
}

// TestSessionStoreKeepsNoRefreshToken reads the raw Redis value of a
// session made from a sign-in: it holds the refresh token's hash, which
// cannot be replayed, and not the token.
func TestSessionStoreKeepsNoRefreshToken(t *testing.T) {
	client := open(t, redisURL(t))
	p := prefix(t)
	store := redis.NewSessionStore(client, p, time.Hour)
	ctx := context.Background()
	token, hash := auth.NewRefreshToken()
	s := testSession()
	s.RefreshHash = hash
	if err := store.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	raw, err := client.Get(ctx, p+s.ID).Result()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, token) || strings.Contains(raw, strings.TrimPrefix(token, auth.RefreshPrefix)) {
		t.Errorf("raw session value %s contains the refresh token", raw)
	}
	if !strings.Contains(raw, hash) {
		t.Errorf("raw session value %s lacks the refresh token's hash", raw)
	}
}
