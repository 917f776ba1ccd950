package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPacedRateAndFirst429(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > 5 {
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	start := time.Now().Add(50 * time.Millisecond)
	rep := paced(srv.Client(), 100, 300*time.Millisecond, 4, start, func() (*http.Request, error) {
		return http.NewRequest("GET", srv.URL, nil)
	})
	r := rep.Result
	if got := r.Requests + rep.Dropped; got < 20 || got > 31 {
		t.Errorf("got %d requests + %d dropped, want about 30 (100/s for 300ms)", r.Requests, rep.Dropped)
	}
	if got, want := r.Statuses["200"], 5; got != want {
		t.Errorf("got %d 200s, want %d", got, want)
	}
	if got, want := r.NonOK, r.Statuses["429"]; got != want || got == 0 {
		t.Errorf("got non-2xx %d, want %d (the 429s) and non-zero", got, want)
	}
	// The sixth request is scheduled 50ms after the start; its answer comes
	// a little later.
	if rep.First429ms < 50 || rep.First429ms > 250 {
		t.Errorf("got first 429 after %.1fms, want 50–250ms", rep.First429ms)
	}
	if rep.SendLagP99ms < 0 || rep.SendLagP99ms > 100 {
		t.Errorf("got send lag p99 %.1fms, want 0–100ms", rep.SendLagP99ms)
	}
}

func TestPacedNo429(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	rep := paced(srv.Client(), 50, 100*time.Millisecond, 2, time.Time{}, func() (*http.Request, error) {
		return http.NewRequest("GET", srv.URL, nil)
	})
	if got, want := rep.First429ms, -1.0; got != want {
		t.Errorf("got first 429 %v, want %v", got, want)
	}
}

// headerServer records the tenant of every request and checks its token.
type headerServer struct {
	mu      sync.Mutex
	tenants map[string]int
	bad     int
}

func (h *headerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	tenant := r.Header.Get("X-Tenant-ID")
	if r.Header.Get("Authorization") != "Bearer tok-"+tenant || r.URL.RequestURI() != "/api/projects?limit=20" {
		h.bad++
	}
	h.tenants[tenant]++
	if tenant == "t1" && h.tenants[tenant] > 3 {
		w.WriteHeader(http.StatusTooManyRequests)
	}
}

func testTargets(t *testing.T, n int) string {
	t.Helper()
	var ts []*tenant
	for i := range n {
		id := "t" + string(rune('0'+i))
		ts = append(ts, &tenant{id: id, tokens: []string{"tok-" + id}, projects: []string{"p-" + id}, session: "s-" + id})
	}
	name := t.TempDir() + "/targets.tsv"
	if err := writeTargetsFile(name, ts); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestRunPaceChildren(t *testing.T) {
	t.Setenv("BENCH_LOAD_AS_MAIN", "1")
	h := &headerServer{tenants: map[string]int{}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := config{base: srv.URL, duration: 400 * time.Millisecond}
	reps, err := runPaceChildren(c, testTargets(t, 2), []paceChild{
		{name: "noisy", tenantIndex: 1, rate: 100, workers: 4},
		{name: "quiet", tenantIndex: 0, rate: 20, workers: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 2 {
		t.Fatalf("got %d reports, want 2", len(reps))
	}
	noisy, quiet := reps[0], reps[1]
	if got := noisy.Result.Requests + noisy.Dropped; got < 30 || got > 41 {
		t.Errorf("noisy: got %d sent + dropped, want about 40", got)
	}
	if got := quiet.Result.Requests; got < 6 || got > 9 {
		t.Errorf("quiet: got %d requests, want about 8", got)
	}
	if noisy.First429ms <= 0 || quiet.First429ms != -1 {
		t.Errorf("got first 429 noisy %v quiet %v, want noisy > 0, quiet -1", noisy.First429ms, quiet.First429ms)
	}
	if !strings.Contains(quiet.Result.Tool, "load -pace") {
		t.Errorf("quiet tool: got %q, want load -pace", quiet.Result.Tool)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.bad != 0 || h.tenants["t0"] != quiet.Result.Requests || h.tenants["t1"] != noisy.Result.Requests {
		t.Errorf("server saw %v (%d bad), want t0=%d t1=%d and none bad", h.tenants, h.bad, quiet.Result.Requests, noisy.Result.Requests)
	}
}

func TestRunPaceBadIndex(t *testing.T) {
	name := testTargets(t, 1)
	err := run([]string{"-pace", "-base", "http://127.0.0.1:1", "-targets", name, "-tenant-index", "3"}, os.Getenv, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "1 tenants") {
		t.Errorf("got %v, want an index error", err)
	}
}
