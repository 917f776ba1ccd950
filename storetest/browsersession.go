package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// RunBrowserSessions runs the conformance suite of tenantry.BrowserSessionStore
// against the stores that open returns: fresh and empty, with the idle
// timeout tenantry.BrowserSessionIdle. Each sub-test opens a store of its
// own.
func RunBrowserSessions(t *testing.T, open func(t *testing.T) tenantry.BrowserSessionStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s tenantry.BrowserSessionStore)
	}{
		{"RoundTrip", testBrowserSessionRoundTrip},
		{"Expiry", testBrowserSessionExpiry},
		{"PerUserCap", testBrowserSessionPerUserCap},
		{"DeleteUser", testBrowserSessionDeleteUser},
		{"Handover", testBrowserHandover},
		{"HandoverOnce", testBrowserHandoverOnce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// browserSession returns a session of user seen at lastSeen.
func browserSession(id, user string, lastSeen time.Time) *tenantry.BrowserSession {
	return &tenantry.BrowserSession{
		ID: id, Host: "acme.localhost:8080", UserID: user,
		RefreshHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		CreatedAt:   lastSeen.Add(-time.Minute).UTC().Truncate(time.Millisecond),
		LastSeen:    lastSeen.UTC().Truncate(time.Millisecond),
	}
}

func testBrowserSessionRoundTrip(t *testing.T, s tenantry.BrowserSessionStore) {
	ctx := context.Background()
	want := browserSession("sess-round-trip", "user-1", time.Now())
	want.Chats = map[string]string{"tenant-1": "chat-1"}
	want.Flash, want.Secret = "Saved.", "tk_secret"
	if err := s.Save(ctx, want); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, err := s.Get(ctx, want.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got == nil {
		t.Fatal("Get after Save: got nil")
	}
	got.CreatedAt, got.LastSeen = got.CreatedAt.UTC(), got.LastSeen.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Get: got %+v, want %+v", got, want)
	}

	// Saving again replaces the session.
	want.Flash, want.Chats = "", nil
	if err := s.Save(ctx, want); err != nil {
		t.Fatalf("Save again: %v", err)
	}
	got, err = s.Get(ctx, want.ID)
	if err != nil || got == nil {
		t.Fatalf("Get after the second Save: got %v, %v", got, err)
	}
	if got.Flash != "" || len(got.Chats) != 0 {
		t.Errorf("Get after the second Save: got flash %q chats %v, want them cleared", got.Flash, got.Chats)
	}

	if err := s.Delete(ctx, want.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if got, err := s.Get(ctx, want.ID); err != nil || got != nil {
		t.Errorf("Get after Delete: got %v, %v; want nil, nil", got, err)
	}
	if err := s.Delete(ctx, want.ID); err != nil {
		t.Errorf("Delete of an unknown session: got %v, want nil", err)
	}
	if got, err := s.Get(ctx, "never-saved"); err != nil || got != nil {
		t.Errorf("Get of an unknown session: got %v, %v; want nil, nil", got, err)
	}
}

func testBrowserSessionExpiry(t *testing.T, s tenantry.BrowserSessionStore) {
	ctx := context.Background()
	now := time.Now()
	tests := []struct {
		id       string
		lastSeen time.Time
		want     bool
	}{
		{"sess-fresh", now, true},
		{"sess-nearly-idle", now.Add(-tenantry.BrowserSessionIdle + 10*time.Minute), true},
		{"sess-idle", now.Add(-tenantry.BrowserSessionIdle - time.Minute), false},
		{"sess-long-gone", now.Add(-30 * 24 * time.Hour), false},
	}
	for _, tt := range tests {
		if err := s.Save(ctx, browserSession(tt.id, "user-"+tt.id, tt.lastSeen)); err != nil {
			t.Fatalf("Save %s: %v", tt.id, err)
		}
	}
	for _, tt := range tests {
		got, err := s.Get(ctx, tt.id)
		if err != nil {
			t.Fatalf("Get %s: %v", tt.id, err)
		}
		if (got != nil) != tt.want {
			t.Errorf("Get %s (last seen %v ago): got %v, want found=%v", tt.id, now.Sub(tt.lastSeen).Round(time.Minute), got, tt.want)
		}
	}
}

func testBrowserSessionPerUserCap(t *testing.T, s tenantry.BrowserSessionStore) {
	ctx := context.Background()
	start := time.Now().Add(-time.Hour)
	const extra = 3
	n := tenantry.MaxBrowserSessionsPerUser + extra
	for i := range n {
		if err := s.Save(ctx, browserSession(fmt.Sprintf("sess-cap-%02d", i), "user-many", start.Add(time.Duration(i)*time.Second))); err != nil {
			t.Fatalf("Save %d: %v", i, err)
		}
	}
	// Another user's session is not counted against user-many.
	if err := s.Save(ctx, browserSession("sess-other", "user-other", start)); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		got, err := s.Get(ctx, fmt.Sprintf("sess-cap-%02d", i))
		if err != nil {
			t.Fatalf("Get %d: %v", i, err)
		}
		if want := i >= extra; (got != nil) != want {
			t.Errorf("session %d of %d: got found=%v, want %v (the %d least recently seen are dropped)", i, n, got != nil, want, extra)
		}
	}
	if got, err := s.Get(ctx, "sess-other"); err != nil || got == nil {
		t.Errorf("another user's session: got %v, %v; want it kept", got, err)
	}
}

func testBrowserSessionDeleteUser(t *testing.T, s tenantry.BrowserSessionStore) {
	ctx := context.Background()
	now := time.Now()
	sessions := []struct {
		id, user string
		kept     bool
	}{
		{"sess-reset-1", "user-reset", false},
		{"sess-reset-2", "user-reset", false},
		{"sess-reset-3", "user-reset", false},
		{"sess-bystander", "user-bystander", true},
	}
	for i, tt := range sessions {
		if err := s.Save(ctx, browserSession(tt.id, tt.user, now.Add(time.Duration(i)*time.Second))); err != nil {
			t.Fatalf("Save %s: %v", tt.id, err)
		}
	}
	if err := s.DeleteUser(ctx, "user-reset"); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	for _, tt := range sessions {
		got, err := s.Get(ctx, tt.id)
		if err != nil {
			t.Fatalf("Get %s: %v", tt.id, err)
		}
		if (got != nil) != tt.kept {
			t.Errorf("Get %s of %s after DeleteUser(user-reset): got found=%v, want %v", tt.id, tt.user, got != nil, tt.kept)
		}
	}
	if err := s.DeleteUser(ctx, "user-without-sessions"); err != nil {
		t.Errorf("DeleteUser of a user without sessions: got %v, want nil", err)
	}
	// DeleteUser also drops the user's pending handovers.
	ho := handover("delete-user", "user-reset", now.Add(tenantry.BrowserHandoverTTL))
	if err := s.SaveHandover(ctx, ho); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, "user-reset"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TakeHandover(ctx, ho.Hash); err != nil || got != nil {
		t.Errorf("TakeHandover after DeleteUser: got %v, %v; want nil, nil", got, err)
	}
	// The user signs in again afterwards: the new session is kept.
	if err := s.Save(ctx, browserSession("sess-reset-new", "user-reset", now)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "sess-reset-new"); err != nil || got == nil {
		t.Errorf("Get of a session saved after DeleteUser: got %v, %v; want it", got, err)
	}
}

// handover returns a handover of user for acme's host, expiring at
// expires, whose hash is derived from name.
func handover(name, user string, expires time.Time) *tenantry.BrowserHandover {
	sum := sha256.Sum256([]byte(name))
	return &tenantry.BrowserHandover{
		Hash: hex.EncodeToString(sum[:]), Host: "acme.localhost:8080", UserID: user,
		Flash: "Welcome!", ExpiresAt: expires.UTC().Truncate(time.Millisecond),
	}
}

func testBrowserHandover(t *testing.T, s tenantry.BrowserSessionStore) {
	ctx := context.Background()
	now := time.Now()
	tests := []struct {
		name    string
		expires time.Time
		want    bool
	}{
		{"fresh", now.Add(tenantry.BrowserHandoverTTL), true},
		{"nearly-expired", now.Add(5 * time.Second), true},
		{"expired", now.Add(-time.Second), false},
		{"long-expired", now.Add(-time.Hour), false},
	}
	for _, tt := range tests {
		if err := s.SaveHandover(ctx, handover(tt.name, "user-"+tt.name, tt.expires)); err != nil {
			t.Fatalf("SaveHandover %s: %v", tt.name, err)
		}
	}
	for _, tt := range tests {
		want := handover(tt.name, "user-"+tt.name, tt.expires)
		got, err := s.TakeHandover(ctx, want.Hash)
		if err != nil {
			t.Fatalf("TakeHandover %s: %v", tt.name, err)
		}
		if !tt.want {
			if got != nil {
				t.Errorf("TakeHandover %s: got %+v, want nil", tt.name, got)
			}
			continue
		}
		if got == nil {
			t.Errorf("TakeHandover %s: got nil, want %+v", tt.name, want)
			continue
		}
		got.ExpiresAt = got.ExpiresAt.UTC()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("TakeHandover %s: got %+v, want %+v", tt.name, got, want)
		}
		if again, err := s.TakeHandover(ctx, want.Hash); err != nil || again != nil {
			t.Errorf("TakeHandover %s again: got %v, %v; want nil, nil (a code works once)", tt.name, again, err)
		}
	}
	if got, err := s.TakeHandover(ctx, handover("never-saved", "user", now).Hash); err != nil || got != nil {
		t.Errorf("TakeHandover of an unknown hash: got %v, %v; want nil, nil", got, err)
	}
}

func testBrowserHandoverOnce(t *testing.T, s tenantry.BrowserSessionStore) {
	ctx := context.Background()
	h := handover("race", "user-race", time.Now().Add(tenantry.BrowserHandoverTTL))
	if err := s.SaveHandover(ctx, h); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	var taken atomic.Int32
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.TakeHandover(ctx, h.Hash)
			if err != nil {
				t.Errorf("TakeHandover: %v", err)
			}
			if got != nil {
				taken.Add(1)
			}
		}()
	}
	wg.Wait()
	if got := taken.Load(); got != 1 {
		t.Errorf("%d concurrent TakeHandover: %d got the handover, want 1", n, got)
	}
}
