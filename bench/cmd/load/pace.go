package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// PaceReport is what a -pace client process prints.
type PaceReport struct {
	Result Result `json:"result"`
	// Dropped counts sends skipped because every worker was still waiting
	// for an answer (an open loop does not queue them).
	Dropped int `json:"dropped"`
	// First429ms is the time from the first scheduled send to the first
	// 429 answer; -1 if there was none.
	First429ms float64 `json:"first_429_ms"`
	// SendLagP99ms is the 99th percentile of how late a request went out
	// after its scheduled time (this process's own scheduling delay).
	SendLagP99ms float64 `json:"send_lag_p99_ms"`
}

// runPace is the -pace client: GET /api/projects?limit=20 for one tenant of
// the targets file at a fixed rate for the run's duration.
func runPace(c config, stdout io.Writer) error {
	if c.targets == "" {
		return fmt.Errorf("-pace needs -targets")
	}
	tenants, err := readTargetsFile(c.targets)
	if err != nil {
		return err
	}
	if c.tenantIndex < 0 || c.tenantIndex >= len(tenants) {
		return fmt.Errorf("-tenant-index %d: the targets file has %d tenants", c.tenantIndex, len(tenants))
	}
	if c.rate <= 0 || c.workers <= 0 {
		return fmt.Errorf("-rate and -workers must be positive")
	}
	t := tenants[c.tenantIndex]
	api := &apiClient{base: c.base}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 2 * c.workers, MaxIdleConnsPerHost: 2 * c.workers, IdleConnTimeout: time.Minute,
	}}
	build := func() (*http.Request, error) {
		return api.request("GET", "/api/projects?limit=20", t.tokens[0], t.id, nil)
	}
	start := time.Now()
	if c.startAt > 0 {
		start = time.Unix(0, c.startAt)
	}
	load := loadAvg()
	rep := paced(client, c.rate, c.duration, c.workers, start, build)
	rep.Result.Endpoint = "GET list (" + c.label + ")"
	rep.Result.Tool = fmt.Sprintf("load -pace %g/s (own process)", c.rate)
	rep.Result.LoadAvgBefore, rep.Result.LoadAvgAfter = load, loadAvg()
	return writeJSON(stdout, rep)
}

// paced sends rate requests/s for duration, starting at start (or now if
// that has passed), from up to workers concurrent requests: an open loop,
// where a send whose slot finds every worker busy is skipped and counted.
// Latency is measured from the actual send (just before the request is
// written) to the end of the body; how late the send was against its
// schedule is reported apart (SendLagP99ms).
func paced(client *http.Client, rate float64, duration time.Duration, workers int, start time.Time, build func() (*http.Request, error)) PaceReport {
	if now := time.Now(); start.Before(now) {
		start = now
	}
	tickets := make(chan time.Time)
	var mu sync.Mutex
	var lat, lag []time.Duration
	statuses := map[string]int{}
	errs := 0
	var first429 time.Duration
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for due := range tickets {
				req, err := build()
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
				end := time.Now()
				mu.Lock()
				lat = append(lat, end.Sub(t0))
				lag = append(lag, t0.Sub(due))
				statuses[statusKey(resp.StatusCode)]++
				if resp.StatusCode == http.StatusTooManyRequests && first429 == 0 {
					first429 = end.Sub(start)
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(time.Until(start))
	interval := time.Duration(float64(time.Second) / rate)
	dropped := 0
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if due.Sub(start) >= duration {
			break
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		select {
		case tickets <- due:
		default:
			dropped++
		}
	}
	close(tickets)
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	slices.Sort(lag)
	rep := PaceReport{Result: summarize(lat, statuses, errs, elapsed), Dropped: dropped, First429ms: -1,
		SendLagP99ms: percentileMs(lag, 0.99)}
	if first429 > 0 {
		rep.First429ms = float64(first429.Microseconds()) / 1000
	}
	return rep
}
