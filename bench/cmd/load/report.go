package main

import (
	"fmt"
	"time"
)

// Report is the JSON the command prints.
type Report struct {
	Label           string      `json:"label,omitempty"`
	Concurrency     int         `json:"concurrency"`
	DurationSeconds float64     `json:"duration_seconds"`
	Seed            *SeedReport `json:"seed,omitempty"`
	// LoadTool is the command line that produced Results.
	LoadTool string   `json:"load_tool,omitempty"`
	Results  []Result `json:"results"`
	// SeedServer is the server's memory after the seed; Server after the
	// loops (its peak counted from the end of the seed).
	SeedServer *ProcStatus `json:"seed_server,omitempty"`
	Server     *ProcStatus `json:"server,omitempty"`
	// Noisy is the noisy-neighbour run.
	Noisy *NoisyReport `json:"noisy,omitempty"`
	// BodyBytes is the size of the body the bare baseline served.
	BodyBytes int `json:"body_bytes,omitempty"`
}

// SeedReport describes the seeded data set.
type SeedReport struct {
	Tenants           int     `json:"tenants"`
	UsersPerTenant    int     `json:"users_per_tenant"`
	ProjectsPerTenant int     `json:"projects_per_tenant"`
	SharedUser        bool    `json:"shared_user,omitempty"`
	Seconds           float64 `json:"seconds"`
}

// Result is one endpoint's run.
type Result struct {
	Endpoint string `json:"endpoint"`
	// Tool names the load generator that measured this result.
	Tool     string `json:"tool,omitempty"`
	Requests int    `json:"requests"`
	// Errors counts requests without an HTTP answer (connect, read, write
	// errors and timeouts); ErrorKinds splits them when known.
	Errors     int            `json:"errors"`
	ErrorKinds map[string]int `json:"error_kinds,omitempty"`
	Statuses   map[string]int `json:"statuses"`
	// NonOK counts answers whose status is not 2xx.
	NonOK             int     `json:"non_2xx"`
	RequestsPerSecond float64 `json:"requests_per_second"`
	P50ms             float64 `json:"p50_ms"`
	P90ms             float64 `json:"p90_ms"`
	P99ms             float64 `json:"p99_ms"`
	MaxMs             float64 `json:"max_ms"`
	LoadAvgBefore     float64 `json:"loadavg_before,omitempty"`
	LoadAvgAfter      float64 `json:"loadavg_after,omitempty"`
}

// summarize turns sorted latencies into a Result.
func summarize(lat []time.Duration, statuses map[string]int, errs int, elapsed time.Duration) Result {
	nonOK := 0
	for s, n := range statuses {
		if len(s) != 3 || s[0] != '2' {
			nonOK += n
		}
	}
	return Result{
		Requests:          len(lat),
		Errors:            errs,
		Statuses:          statuses,
		NonOK:             nonOK,
		RequestsPerSecond: float64(len(lat)) / elapsed.Seconds(),
		P50ms:             percentileMs(lat, 0.50),
		P90ms:             percentileMs(lat, 0.90),
		P99ms:             percentileMs(lat, 0.99),
		MaxMs:             percentileMs(lat, 1),
	}
}

// percentileMs returns the p-th quantile (0..1) of sorted latencies in
// milliseconds, 0 for none.
func percentileMs(lat []time.Duration, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	i := int(p * float64(len(lat)-1))
	return float64(lat[i].Microseconds()) / 1000
}

// statusKey is the key of an HTTP status in Result.Statuses.
func statusKey(code int) string { return fmt.Sprint(code) }
