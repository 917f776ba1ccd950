package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// NoisyReport is a noisy-neighbour run: the quiet tenant's GET list latency
// alone, then while another tenant sends NoisyRate requests/s.
type NoisyReport struct {
	Plan      string  `json:"plan"`
	QuietRate float64 `json:"quiet_rate"`
	NoisyRate float64 `json:"noisy_rate"`
	QuietSolo Result  `json:"quiet_solo"`
	QuietMix  Result  `json:"quiet_with_noisy"`
	Noisy     Result  `json:"noisy"`
	// NoisyDropped counts sends the pacer skipped because every noisy
	// client was still waiting for an answer.
	NoisyDropped int `json:"noisy_dropped"`
	// FirstNoisy429ms is the time from the noisy tenant's first request to
	// its first 429 answer; -1 if it got none.
	FirstNoisy429ms float64 `json:"first_noisy_429_ms"`
}

// runNoisy seeds two tenants and measures the quiet one's latency solo and
// next to the noisy one.
func runNoisy(api *apiClient, client *http.Client, c config, stdout io.Writer) error {
	c.tenants, c.users, c.projects = 2, 1, 20
	data, err := seed(api, c)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	quiet, noisy := data.tenants[0], data.tenants[1]
	list := func(t *tenant) func(*rand.Rand) (*http.Request, error) {
		return func(*rand.Rand) (*http.Request, error) {
			return api.request("GET", "/api/projects?limit=20", t.tokens[0], t.id, nil)
		}
	}
	newClient := func() *http.Client {
		return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	}
	rep := &NoisyReport{Plan: c.plan, QuietRate: c.quietRate, NoisyRate: c.noisyRate}
	load := loadAvg()
	rep.QuietSolo, _ = paced(newClient(), c.quietRate, c.duration, 8, list(quiet), nil)
	rep.QuietSolo.Endpoint, rep.QuietSolo.LoadAvgBefore, rep.QuietSolo.LoadAvgAfter = "quiet tenant alone", load, loadAvg()

	load = loadAvg()
	var first atomic.Int64
	begin := time.Now()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		rep.Noisy, rep.NoisyDropped = paced(newClient(), c.noisyRate, c.duration, 64, list(noisy), func(status int) {
			if status == http.StatusTooManyRequests {
				first.CompareAndSwap(0, int64(time.Since(begin)))
			}
		})
	}()
	rep.QuietMix, _ = paced(newClient(), c.quietRate, c.duration, 8, list(quiet), nil)
	wg.Wait()
	rep.QuietMix.Endpoint, rep.Noisy.Endpoint = "quiet tenant next to the noisy one", "noisy tenant"
	rep.QuietMix.LoadAvgBefore, rep.QuietMix.LoadAvgAfter = load, loadAvg()
	rep.FirstNoisy429ms = -1
	if f := first.Load(); f > 0 {
		rep.FirstNoisy429ms = float64(time.Duration(f).Microseconds()) / 1000
	}
	fmt.Fprintf(os.Stderr, "noisy: quiet p99 solo %.2fms, with noisy %.2fms; noisy statuses %v, first 429 after %.1fms\n",
		rep.QuietSolo.P99ms, rep.QuietMix.P99ms, rep.Noisy.Statuses, rep.FirstNoisy429ms)
	report := Report{Label: c.label, Concurrency: c.concurrency, DurationSeconds: c.duration.Seconds(), Noisy: rep}
	if c.serverPID > 0 {
		report.Server = readProcStatus(c.serverPID)
	}
	return writeJSON(stdout, report)
}

// paced sends rate requests/s for duration from up to workers concurrent
// clients (an open loop: a send whose slot finds every client busy is
// skipped and counted in dropped). observe, if set, sees every status.
func paced(client *http.Client, rate float64, duration time.Duration, workers int, build func(*rand.Rand) (*http.Request, error), observe func(int)) (r Result, dropped int) {
	tickets := make(chan struct{})
	var mu sync.Mutex
	var lat []time.Duration
	statuses := map[string]int{}
	errs := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, seed*7+1))
			for range tickets {
				req, err := build(rng)
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					continue
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				if observe != nil {
					observe(resp.StatusCode)
				}
				mu.Lock()
				lat = append(lat, d)
				statuses[fmt.Sprint(resp.StatusCode)]++
				mu.Unlock()
			}
		}(uint64(w + 1))
	}
	begin := time.Now()
	interval := time.Duration(float64(time.Second) / rate)
	for i := 0; ; i++ {
		due := begin.Add(time.Duration(i) * interval)
		if due.Sub(begin) >= duration {
			break
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		select {
		case tickets <- struct{}{}:
		default:
			dropped++
		}
	}
	close(tickets)
	wg.Wait()
	elapsed := time.Since(begin)
	slices.Sort(lat)
	return summarize(lat, statuses, errs, elapsed), dropped
}
