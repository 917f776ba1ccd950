package inmem_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/inmem"
)

// clock is a simulated clock that moves only when told to.
type clock struct{ ns atomic.Int64 }

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (c *clock) Now() time.Time          { return start.Add(time.Duration(c.ns.Load())) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func TestRateLimiterAccuracy(t *testing.T) {
	tests := []struct {
		rate     tenantry.Rate
		duration time.Duration
		step     time.Duration // mean gap between attempts
	}{
		{tenantry.Rate{Events: 100, Per: time.Second, Burst: 200}, 60 * time.Second, time.Millisecond},
		{tenantry.Rate{Events: 50, Per: time.Second, Burst: 100}, 2 * time.Minute, 3 * time.Millisecond},
		{tenantry.Rate{Events: 5, Per: 10 * time.Second, Burst: 5}, time.Hour, 100 * time.Millisecond},
		{tenantry.Rate{Events: 2000, Per: time.Second, Burst: 4000}, 20 * time.Second, 100 * time.Microsecond},
		// With burst 1 a gap between attempts is time lost for good, so the
		// attempts here are dense (as under real overload).
		{tenantry.Rate{Events: 7, Per: 3 * time.Second, Burst: 1}, 10 * time.Minute, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%s/burst%d", tt.rate.Events, tt.rate.Per, tt.rate.Burst), func(t *testing.T) {
			var c clock
			l := inmem.NewRateLimiter(inmem.RateLimiterOptions{Now: c.Now})
			rng := rand.New(rand.NewPCG(1, 2))
			var admitted int64
			for elapsed := time.Duration(0); elapsed <= tt.duration; {
				res, err := l.Allow(context.Background(), "k", tt.rate)
				if err != nil {
					t.Fatal(err)
				}
				if res.Allowed {
					admitted++
				}
				// Irregular gaps between 0 and 2×step.
				d := time.Duration(rng.Int64N(int64(2*tt.step) + 1))
				c.Advance(d)
				elapsed += d
			}
			want := float64(tt.rate.Events)*tt.duration.Seconds()/tt.rate.Per.Seconds() + float64(tt.rate.Burst)
			if diff := math.Abs(float64(admitted)-want) / want; diff > 0.01 {
				t.Errorf("admitted %d, want %.0f ±1%% (off by %.2f%%)", admitted, want, diff*100)
			}
		})
	}
}

func TestRateLimiterBurstAndResult(t *testing.T) {
	var c clock
	l := inmem.NewRateLimiter(inmem.RateLimiterOptions{Now: c.Now})
	r := tenantry.Rate{Events: 10, Per: time.Second, Burst: 3}
	ctx := context.Background()
	for i := int64(0); i < 3; i++ {
		res, err := l.Allow(ctx, "a", r)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res, (tenantry.RateResult{Allowed: true, Limit: 3, Remaining: 2 - i, ResetAfter: time.Duration(i+1) * 100 * time.Millisecond}); got != want {
			t.Errorf("call %d: got %+v, want %+v", i, got, want)
		}
	}
	res, _ := l.Allow(ctx, "a", r)
	if got, want := res, (tenantry.RateResult{Allowed: false, Limit: 3, RetryAfter: 100 * time.Millisecond, ResetAfter: 300 * time.Millisecond}); got != want {
		t.Errorf("over burst: got %+v, want %+v", got, want)
	}
	// Another key has its own bucket.
	if res, _ := l.Allow(ctx, "b", r); !res.Allowed {
		t.Errorf("key b: got refused, want allowed")
	}
	c.Advance(100 * time.Millisecond)
	if res, _ := l.Allow(ctx, "a", r); !res.Allowed {
		t.Errorf("after RetryAfter: got refused, want allowed")
	}
	if res, _ := l.Allow(ctx, "a", r); res.Allowed {
		t.Errorf("second after RetryAfter: got allowed, want refused")
	}
}

func TestRateLimiterZeroBurstIsOne(t *testing.T) {
	var c clock
	l := inmem.NewRateLimiter(inmem.RateLimiterOptions{Now: c.Now})
	r := tenantry.Rate{Events: 1, Per: time.Second}
	if res, _ := l.Allow(context.Background(), "k", r); !res.Allowed || res.Limit != 1 {
		t.Errorf("first: got %+v, want allowed with limit 1", res)
	}
	if res, _ := l.Allow(context.Background(), "k", r); res.Allowed {
		t.Errorf("second: got allowed, want refused")
	}
}

func TestRateLimiterInvalidRate(t *testing.T) {
	l := inmem.NewRateLimiter(inmem.RateLimiterOptions{})
	for _, r := range []tenantry.Rate{{}, {Events: 1}, {Per: time.Second}, {Events: -1, Per: time.Second}} {
		if _, err := l.Allow(context.Background(), "k", r); !errors.Is(err, inmem.ErrInvalidRate) {
			t.Errorf("Allow(%+v): got err %v, want ErrInvalidRate", r, err)
		}
	}
}

func TestRateLimiterDropsIdleKeys(t *testing.T) {
	var c clock
	l := inmem.NewRateLimiter(inmem.RateLimiterOptions{Now: c.Now, Shards: 4, SweepInterval: time.Minute})
	r := tenantry.Rate{Events: 10, Per: time.Second, Burst: 10}
	for i := 0; i < 1000; i++ {
		l.Allow(context.Background(), fmt.Sprint("k", i), r)
	}
	if got, want := l.Len(), 1000; got != want {
		t.Fatalf("Len after 1000 keys: got %d, want %d", got, want)
	}
	// After the sweep interval every bucket is full again; touching each
	// shard sweeps it.
	c.Advance(2 * time.Minute)
	for i := 0; i < 200; i++ {
		l.Allow(context.Background(), fmt.Sprint("new", i), r)
	}
	if got, want := l.Len(), 200; got != want {
		t.Errorf("Len after sweep: got %d, want %d", got, want)
	}
}

func TestRateLimiterMaxKeys(t *testing.T) {
	var c clock
	const maxKeys = 64
	l := inmem.NewRateLimiter(inmem.RateLimiterOptions{Now: c.Now, Shards: 4, MaxKeys: maxKeys, SweepInterval: time.Hour})
	r := tenantry.Rate{Events: 1, Per: time.Hour, Burst: 1}
	for i := 0; i < 10_000; i++ {
		l.Allow(context.Background(), fmt.Sprint("k", i), r)
	}
	if got := l.Len(); got > maxKeys {
		t.Errorf("Len: got %d, want at most %d", got, maxKeys)
	}
}

func TestRateLimiterConcurrent(t *testing.T) {
	var c clock
	l := inmem.NewRateLimiter(inmem.RateLimiterOptions{Now: c.Now})
	r := tenantry.Rate{Events: 100, Per: time.Second, Burst: 50}
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				if res, _ := l.Allow(context.Background(), "shared", r); res.Allowed {
					admitted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	// The clock never moved: exactly the burst is admitted.
	if got, want := admitted.Load(), int64(50); got != want {
		t.Errorf("admitted: got %d, want %d", got, want)
	}
}

func TestRateLimiterHotPathAllocs(t *testing.T) {
	l := inmem.NewRateLimiter(inmem.RateLimiterOptions{})
	r := tenantry.Rate{Events: 1000, Per: time.Second, Burst: 2000}
	ctx := context.Background()
	l.Allow(ctx, "tenant:abc", r)
	if got := testing.AllocsPerRun(1000, func() { l.Allow(ctx, "tenant:abc", r) }); got != 0 {
		t.Errorf("allocs per Allow: got %v, want 0", got)
	}
}

func BenchmarkRateLimiterAllow(b *testing.B) {
	l := inmem.NewRateLimiter(inmem.RateLimiterOptions{})
	r := tenantry.Rate{Events: 1_000_000, Per: time.Second, Burst: 1_000_000}
	ctx := context.Background()
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("tenant:%032x", i)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := rand.IntN(len(keys))
		for pb.Next() {
			l.Allow(ctx, keys[i&1023], r)
			i++
		}
	})
}

func BenchmarkRateLimiterAllowOneKey(b *testing.B) {
	l := inmem.NewRateLimiter(inmem.RateLimiterOptions{})
	r := tenantry.Rate{Events: 1_000_000, Per: time.Second, Burst: 1_000_000}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		l.Allow(ctx, "tenant:one", r)
	}
}
