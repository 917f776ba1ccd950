package inmem

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func TestBrowserSessionsBounded(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	m := NewBrowserSessions(100, time.Hour)
	for i := range 1000 {
		if err := m.Save(ctx, &tenantry.BrowserSession{ID: fmt.Sprintf("s%d", i), UserID: fmt.Sprintf("u%d", i), LastSeen: now}); err != nil {
			t.Fatal(err)
		}
		// s0 is used all the time, so it is never the least recently used.
		if got, _ := m.Get(ctx, "s0"); got == nil {
			t.Fatalf("after %d saves: the session in use was evicted", i+1)
		}
	}
	if got, want := m.Len(), 100; got != want {
		t.Errorf("Len after 1000 saves: got %d, want %d", got, want)
	}
	for _, tt := range []struct {
		id   string
		want bool
	}{{"s0", true}, {"s1", false}, {"s901", true}, {"s999", true}, {"s900", false}} {
		if got, _ := m.Get(ctx, tt.id); (got != nil) != tt.want {
			t.Errorf("Get %s: got found=%v, want %v", tt.id, got != nil, tt.want)
		}
	}
}

func TestBrowserSessionsExpire(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := NewBrowserSessions(0, time.Hour)
	m.now = func() time.Time { return now }
	s := &tenantry.BrowserSession{ID: "a", UserID: "u", Chats: map[string]string{"t": "c"}, LastSeen: now}
	if err := m.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Chats["t"] = "changed after save"
	if got, _ := m.Get(ctx, "a"); got == nil || got.Chats["t"] != "c" {
		t.Fatalf("Get: got %+v, want the saved copy", got)
	}
	now = now.Add(59 * time.Minute)
	if got, _ := m.Get(ctx, "a"); got == nil {
		t.Fatal("Get before the idle timeout: got nil")
	}
	now = now.Add(2 * time.Minute)
	// A later Save evicts the expired session.
	if err := m.Save(ctx, &tenantry.BrowserSession{ID: "b", LastSeen: now}); err != nil {
		t.Fatal(err)
	}
	if got, want := m.Len(), 1; got != want {
		t.Errorf("Len after expiry: got %d, want %d", got, want)
	}
	if got, _ := m.Get(ctx, "a"); got != nil {
		t.Errorf("Get after the idle timeout: got %+v, want nil", got)
	}
}
