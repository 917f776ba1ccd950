package core_test

import (
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// TestBrowserSessionPrune checks that a Save deletes the expired sessions
// once a minute at most: the first Save prunes, the next one does not, and
// Prune deletes what is left.
func TestBrowserSessionPrune(t *testing.T) {
	ctx := t.Context()
	bs := openStore(t).BrowserSessions(time.Hour)
	old := time.Now().Add(-2 * time.Hour)
	steps := []struct {
		save      string
		wantPrune int64
	}{
		{"first", 0},  // the first Save pruned its own expired row
		{"second", 1}, // within the minute: left for Prune
	}
	for _, st := range steps {
		if err := bs.Save(ctx, &tenantry.BrowserSession{ID: st.save, UserID: "u", CreatedAt: old, LastSeen: old}); err != nil {
			t.Fatal(err)
		}
		n, err := bs.Prune(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != st.wantPrune {
			t.Errorf("Prune after the %s expired Save: got %d rows, want %d", st.save, n, st.wantPrune)
		}
	}
}

// TestTakeHandoverOnce checks that of concurrent takers of one handover
// exactly one gets it, and that an expired one is nobody's.
func TestTakeHandoverOnce(t *testing.T) {
	ctx := t.Context()
	bs := openStore(t).BrowserSessions(0)
	for _, h := range []*tenantry.BrowserHandover{
		{Hash: "live", Host: "a.example", UserID: "u1", ExpiresAt: time.Now().Add(time.Minute)},
		{Hash: "gone", Host: "a.example", UserID: "u1", ExpiresAt: time.Now().Add(time.Millisecond)},
	} {
		if err := bs.SaveHandover(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	const n = 8
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		got []*tenantry.BrowserHandover
	)
	for range n {
		wg.Go(func() {
			h, err := bs.TakeHandover(ctx, "live")
			if err != nil {
				t.Error(err)
			}
			if h != nil {
				mu.Lock()
				got = append(got, h)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(got) != 1 || got[0].UserID != "u1" || got[0].Host != "a.example" {
		t.Errorf("%d concurrent takes: got %+v, want the one handover of u1", n, got)
	}
	time.Sleep(5 * time.Millisecond)
	if h, err := bs.TakeHandover(ctx, "gone"); err != nil || h != nil {
		t.Errorf("TakeHandover(expired): got %+v, %v; want nil, nil", h, err)
	}
}
