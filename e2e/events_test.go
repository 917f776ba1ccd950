package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/events"
	"github.com/tenantry/tenantry/internal/pgtest"
)

// openStream opens GET /api/events on s as token in tenant slug, from now
// on, and sends its outbox events to the returned channel.
func openStream(t *testing.T, s *server, token, slug string) <-chan tenantry.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/api/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Tenant-ID", slug)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s GET /api/events: %v", s.name, err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s GET /api/events: status %d", s.name, res.StatusCode)
	}
	out := make(chan tenantry.Event, 1000)
	go func() {
		defer res.Body.Close()
		events.Read(bufio.NewReader(res.Body), func(m events.Message) error {
			var ev tenantry.Event
			if m.Event == "" && json.Unmarshal([]byte(m.Data), &ev) == nil {
				out <- ev
			}
			return nil
		}, nil)
	}()
	return out
}

// TestEventDelivery is the cross-process proof: two servers on one
// database (PostgreSQL with Redis, PostgreSQL alone, one SQLite file); a
// change through A reaches a stream on B. It measures the delivery
// latency of n changes (from A's answer to the event on B) and reports
// p50 and p99; TENANTRY_EVENT_LATENCY_N sets n (default 50).
func TestEventDelivery(t *testing.T) {
	n := 50
	if v := os.Getenv("TENANTRY_EVENT_LATENCY_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	setups := []struct {
		name  string
		start func(t *testing.T) (a, b *server)
	}{
		{"postgres+redis", func(t *testing.T) (*server, *server) {
			db, rd := pgtest.URL(t), redisURL(t, 5)
			return startServer(t, serverConfig{name: "A", databaseURL: db, redisURL: rd}),
				startServer(t, serverConfig{name: "B", databaseURL: db, redisURL: rd})
		}},
		{"postgres", func(t *testing.T) (*server, *server) {
			db := pgtest.URL(t)
			return startServer(t, serverConfig{name: "A", databaseURL: db}), startServer(t, serverConfig{name: "B", databaseURL: db})
		}},
		{"sqlite", func(t *testing.T) (*server, *server) {
			data := t.TempDir()
			return startServer(t, serverConfig{name: "A", data: data}), startServer(t, serverConfig{name: "B", data: data})
		}},
	}
	for _, setup := range setups {
		t.Run(setup.name, func(t *testing.T) {
			a, b := setup.start(t)
			c := newClient()
			admin := c.login(t, a, adminEmail, adminPassword)
			owner := c.signup(t, a, "owner@example.com", "Owner")
			c.createTenant(t, a, admin.AccessToken, "acme", "owner@example.com")
			other := c.signup(t, a, "other@example.com", "Other")
			c.createTenant(t, a, admin.AccessToken, "globex", "other@example.com")
			var p tenantry.Project
			c.must(t, http.StatusCreated, "POST", a.base+"/api/projects", owner.AccessToken, tenantHeader("acme"),
				map[string]string{"name": "Latency"}, &p)
			onB := openStream(t, b, owner.AccessToken, "acme")
			otherOnB := openStream(t, b, other.AccessToken, "globex")
			time.Sleep(200 * time.Millisecond)

			var lat []time.Duration
			for i := range n {
				c.must(t, http.StatusOK, "PATCH", a.base+"/api/projects/"+p.ID, owner.AccessToken, tenantHeader("acme"),
					map[string]string{"description": fmt.Sprint("change ", i)}, nil)
				sent := time.Now()
				for {
					select {
					case ev := <-onB:
						if ev.TenantID != p.TenantID {
							t.Fatalf("B's stream of acme got an event of %s", ev.TenantID)
						}
						if ev.Type != "project.updated" {
							continue
						}
						lat = append(lat, time.Since(sent))
					case <-time.After(10 * time.Second):
						t.Fatalf("change %d through A did not reach B's stream within 10s", i)
					}
					break
				}
			}
			select {
			case ev := <-otherOnB:
				t.Errorf("globex's stream on B got %s of tenant %s", ev.Type, ev.TenantID)
			default:
			}
			slices.Sort(lat)
			pct := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
			t.Logf("%s: %d changes through A, delivered on B: p50 %v, p99 %v, max %v", setup.name, n,
				pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
		})
	}
}
