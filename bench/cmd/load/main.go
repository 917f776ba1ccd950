// Command load seeds a data set through Tenantry's public HTTP API and then
// drives fixed-duration, fixed-concurrency closed loops against it, one
// endpoint at a time, printing requests per second and latency percentiles
// as JSON. It only talks to loopback addresses.
//
// Usage:
//
//	load -base http://127.0.0.1:8080 -tenants 100 -users 2 -projects 200 -duration 10s -concurrency 16
//	load -baseline -duration 10s    # a bare net/http handler, for comparison
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// config holds the command line.
type config struct {
	base                         string
	tenants, users, projects     int
	duration                     time.Duration
	concurrency, seedConcurrency int
	endpoints                    string
	baseline                     bool
	adminEmail, adminPassword    string
	password                     string
	label                        string
	plan                         string
	settings                     map[string]any
	serverPID                    int
	noisy                        bool
	sharedUser                   bool
	quietRate, noisyRate         float64
}

func run(args []string, getenv func(string) string, stdout io.Writer) error {
	var c config
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.StringVar(&c.base, "base", "http://127.0.0.1:8080", "base URL of a running tenantry serve (loopback only)")
	fs.IntVar(&c.tenants, "tenants", 100, "tenants to seed")
	fs.IntVar(&c.users, "users", 2, "users per tenant")
	fs.IntVar(&c.projects, "projects", 200, "projects per tenant")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "duration of each endpoint's loop")
	fs.IntVar(&c.concurrency, "concurrency", 16, "concurrent clients in each loop")
	fs.IntVar(&c.seedConcurrency, "seed-concurrency", 8, "concurrent clients while seeding")
	fs.StringVar(&c.endpoints, "endpoints", "list,get,create,chat", "comma-separated loops to run: list, get, create, chat")
	fs.BoolVar(&c.baseline, "baseline", false, "load a bare in-process net/http handler instead of tenantry")
	fs.StringVar(&c.label, "label", "", "label copied into the JSON report")
	fs.StringVar(&c.plan, "plan", "enterprise", "plan of the seeded tenants")
	settings := fs.String("settings", `{"requests_per_second":100000,"chat_per_10s":1000000,"max_in_flight":100000}`,
		"settings (JSON object) of the seeded tenants; the default lifts the per-tenant rate limits so a throughput run measures the server, not the limiter")
	fs.BoolVar(&c.sharedUser, "shared-user", false, "one user owns every tenant instead of -users new users per tenant (argon2id makes each sign-up and login cost ~0.1–0.2 s of CPU; use this for 10,000 tenants)")
	fs.IntVar(&c.serverPID, "server-pid", 0, "pid of the server on this machine; its peak RSS (VmHWM) goes into the report")
	fs.BoolVar(&c.noisy, "noisy", false, "noisy-neighbour run: a quiet tenant's latency alone, then next to a tenant sending -noisy-rate (both on -plan with -settings)")
	fs.Float64Var(&c.quietRate, "quiet-rate", 50, "requests/s the quiet tenant sends in a -noisy run")
	fs.Float64Var(&c.noisyRate, "noisy-rate", 5000, "requests/s the noisy tenant sends in a -noisy run (10× the pro plan's 500/s)")
	renderDir := fs.String("render", "", "print docs/benchmarks.md from the result files in this directory and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *renderDir != "" {
		return render(*renderDir, stdout)
	}
	c.adminEmail, c.adminPassword = getenv("TENANTRY_ADMIN_EMAIL"), getenv("TENANTRY_ADMIN_PASSWORD")
	c.password = "bench-password-1"
	if err := json.Unmarshal([]byte(*settings), &c.settings); err != nil {
		return fmt.Errorf("-settings: %w", err)
	}

	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        1024,
			MaxIdleConnsPerHost: 1024,
			IdleConnTimeout:     time.Minute,
		},
	}
	report := Report{Label: c.label, Concurrency: c.concurrency, DurationSeconds: c.duration.Seconds()}

	if c.baseline {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: http.HandlerFunc(baselineHandler)}
		go srv.Serve(ln)
		defer srv.Close()
		base := "http://" + ln.Addr().String()
		r := loop(client, c.concurrency, c.duration, func(rng *rand.Rand) (*http.Request, error) {
			return http.NewRequest("GET", base+"/api/projects?limit=20", nil)
		})
		r.Endpoint = "baseline GET (bare net/http)"
		report.Results = append(report.Results, r)
		return writeJSON(stdout, report)
	}

	if err := loopbackOnly(c.base); err != nil {
		return err
	}
	if c.adminEmail == "" || c.adminPassword == "" {
		return errors.New("TENANTRY_ADMIN_EMAIL and TENANTRY_ADMIN_PASSWORD must name the platform admin")
	}
	api := &apiClient{base: c.base, http: client, auth: authClients()}
	if c.noisy {
		return runNoisy(api, client, c, stdout)
	}
	seedStart := time.Now()
	data, err := seed(api, c)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	report.Seed = &SeedReport{Tenants: c.tenants, UsersPerTenant: c.users, ProjectsPerTenant: c.projects,
		SharedUser: c.sharedUser, Seconds: time.Since(seedStart).Seconds()}
	fmt.Fprintf(os.Stderr, "seeded %d tenants in %.1fs\n", c.tenants, report.Seed.Seconds)
	if c.serverPID > 0 {
		// The seed's sign-ups and logins hash passwords with argon2id, whose
		// memory makes the seed's peak RSS; reset the peak so the report
		// shows the peak under the measured load (both are reported).
		report.SeedServer = readProcStatus(c.serverPID)
		os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", c.serverPID), []byte("5"), 0)
	}

	var seq atomic.Int64
	for _, ep := range splitComma(c.endpoints) {
		var build func(rng *rand.Rand) (*http.Request, error)
		switch ep {
		case "list":
			build = func(rng *rand.Rand) (*http.Request, error) {
				t, tok := data.pick(rng)
				return api.request("GET", "/api/projects?limit=20", tok, t.id, nil)
			}
		case "get":
			build = func(rng *rand.Rand) (*http.Request, error) {
				t, tok := data.pick(rng)
				if len(t.projects) == 0 {
					return nil, errors.New("no projects seeded")
				}
				return api.request("GET", "/api/projects/"+t.projects[rng.IntN(len(t.projects))], tok, t.id, nil)
			}
		case "create":
			build = func(rng *rand.Rand) (*http.Request, error) {
				t, tok := data.pick(rng)
				body := map[string]any{"name": fmt.Sprintf("load-%d-%d", time.Now().UnixNano(), seq.Add(1))}
				return api.request("POST", "/api/projects", tok, t.id, body)
			}
		case "chat":
			build = func(rng *rand.Rand) (*http.Request, error) {
				t, tok := data.pick(rng)
				if t.session == "" {
					return nil, errors.New("no chat session")
				}
				return api.request("POST", "/api/chat", tok, t.id, map[string]any{"session_id": t.session, "message": "How many projects do we have?"})
			}
		default:
			return fmt.Errorf("unknown endpoint %q", ep)
		}
		if ep == "chat" {
			data.openSessions(api)
		}
		load1 := loadAvg()
		r := loop(client, c.concurrency, c.duration, build)
		r.Endpoint = ep
		r.LoadAvgBefore, r.LoadAvgAfter = load1, loadAvg()
		report.Results = append(report.Results, r)
		fmt.Fprintf(os.Stderr, "%s: %.0f req/s p50 %.2fms p99 %.2fms statuses %v\n", ep, r.RequestsPerSecond, r.P50ms, r.P99ms, r.Statuses)
	}
	if c.serverPID > 0 {
		report.Server = readProcStatus(c.serverPID)
	}
	return writeJSON(stdout, report)
}

// baselineHandler answers like a list endpoint would, with no work behind it.
func baselineHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"items":[],"next_cursor":null}`)
}

// loopbackOnly refuses any base URL that is not on this machine.
func loopbackOnly(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("base URL %s is not a loopback address", base)
	}
	return nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range bytes.Split([]byte(s), []byte(",")) {
		if len(p) > 0 {
			out = append(out, string(p))
		}
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Report is the JSON the command prints.
type Report struct {
	Label           string      `json:"label,omitempty"`
	Concurrency     int         `json:"concurrency"`
	DurationSeconds float64     `json:"duration_seconds"`
	Seed            *SeedReport `json:"seed,omitempty"`
	Results         []Result    `json:"results"`
	// SeedServer is the server's memory after the seed; Server after the
	// loops (its peak counted from the end of the seed).
	SeedServer *ProcStatus `json:"seed_server,omitempty"`
	Server     *ProcStatus `json:"server,omitempty"`
	// Noisy is the noisy-neighbour run.
	Noisy *NoisyReport `json:"noisy,omitempty"`
}

// SeedReport describes the seeded data set.
type SeedReport struct {
	Tenants           int     `json:"tenants"`
	UsersPerTenant    int     `json:"users_per_tenant"`
	ProjectsPerTenant int     `json:"projects_per_tenant"`
	SharedUser        bool    `json:"shared_user,omitempty"`
	Seconds           float64 `json:"seconds"`
}

// Result is one endpoint's loop.
type Result struct {
	Endpoint          string         `json:"endpoint"`
	Requests          int            `json:"requests"`
	Errors            int            `json:"errors"`
	Statuses          map[string]int `json:"statuses"`
	RequestsPerSecond float64        `json:"requests_per_second"`
	P50ms             float64        `json:"p50_ms"`
	P90ms             float64        `json:"p90_ms"`
	P99ms             float64        `json:"p99_ms"`
	MaxMs             float64        `json:"max_ms"`
	LoadAvgBefore     float64        `json:"loadavg_before,omitempty"`
	LoadAvgAfter      float64        `json:"loadavg_after,omitempty"`
}

// loop runs concurrency clients, each sending the next request as soon as
// the previous one answered, until duration has passed.
func loop(client *http.Client, concurrency int, duration time.Duration, build func(*rand.Rand) (*http.Request, error)) Result {
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	statuses := map[string]int{}
	errs := 0
	begin := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < concurrency; i++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, seed*7+1))
			var mine []time.Duration
			myStatus := map[string]int{}
			myErrs := 0
			for ctx.Err() == nil {
				req, err := build(rng)
				if err != nil {
					myErrs++
					break
				}
				req = req.WithContext(ctx)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						myErrs++
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				myStatus[fmt.Sprint(resp.StatusCode)]++
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, v := range myStatus {
				statuses[k] += v
			}
			errs += myErrs
			mu.Unlock()
		}(uint64(i + 1))
	}
	wg.Wait()
	elapsed := time.Since(begin)
	slices.Sort(lat)
	return summarize(lat, statuses, errs, elapsed)
}

// summarize turns sorted latencies into a Result.
func summarize(lat []time.Duration, statuses map[string]int, errs int, elapsed time.Duration) Result {
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(p * float64(len(lat)-1))
		return float64(lat[i].Microseconds()) / 1000
	}
	return Result{
		Requests:          len(lat),
		Errors:            errs,
		Statuses:          statuses,
		RequestsPerSecond: float64(len(lat)) / elapsed.Seconds(),
		P50ms:             pct(0.50),
		P90ms:             pct(0.90),
		P99ms:             pct(0.99),
		MaxMs:             pct(1),
	}
}
