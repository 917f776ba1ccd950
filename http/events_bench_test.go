package http

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// BenchmarkEventStreams measures events per second through the outbox to
// streams: b.N project updates committed through the store (each writes
// its event), with 1 and 8 member streams of the tenant open over HTTP;
// the time runs until every stream has received every event. It reports
// events/s (committed and delivered to all) and deliveries/s (events ×
// streams).
func BenchmarkEventStreams(b *testing.B) {
	for _, bk := range testBackends {
		for _, streams := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/streams=%d", bk.name, streams), func(b *testing.B) {
				store := bk.open(b)
				e := newTestEnv(b, store, withEvents(store))
				f := e.newFixture(b, "bench", "enterprise")
				h := store.Tenant(f.Tenant.ID)
				p, err := pj(h).CreateProject(context.Background(), tenantry.ProjectCreate{Name: "Bench"})
				if err != nil {
					b.Fatal(err)
				}
				var ss []*sseStream
				for range streams {
					ss = append(ss, e.stream(b, f.Member, "", ""))
				}
				time.Sleep(100 * time.Millisecond)
				received := make([]atomic.Int64, streams)
				for i, s := range ss {
					go func() {
						for {
							if _, ok := s.next("", time.Minute); !ok {
								return
							}
							received[i].Add(1)
						}
					}()
				}
				b.ResetTimer()
				start := time.Now()
				n := 0
				for i := 0; b.Loop(); i++ {
					desc := fmt.Sprint(i)
					if _, err := pj(h).UpdateProject(context.Background(), p.ID, tenantry.ProjectUpdate{Description: &desc}); err != nil {
						b.Fatal(err)
					}
					n++
				}
				deadline := time.Now().Add(30 * time.Second)
				for i := range received {
					for received[i].Load() < int64(n) {
						if time.Now().After(deadline) {
							b.Fatalf("stream %d received %d of %d events", i, received[i].Load(), n)
						}
						time.Sleep(time.Millisecond)
					}
				}
				d := time.Since(start)
				b.ReportMetric(float64(n)/d.Seconds(), "events/s")
				b.ReportMetric(float64(n*streams)/d.Seconds(), "deliveries/s")
			})
		}
	}
}
