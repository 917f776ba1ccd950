// Command load seeds a data set through Tenantry's public HTTP API, hands it
// to wrk (one run per endpoint, bench/wrk/tenantry.lua) and prints the
// results as JSON; it also runs the noisy-neighbour measurement from
// separate client processes, serves the bare net/http baseline and renders
// docs/benchmarks.md. It only talks to loopback addresses.
//
// Usage:
//
//	load -base http://127.0.0.1:8080 -tenants 100 -users 2 -projects 200 -duration 10s -concurrency 16
//	load -base http://127.0.0.1:8080 -seed-only -targets targets.tsv   # seed, then run wrk by hand
//	load -baseline -targets targets.tsv -bare-body page.json           # wrk against a bare net/http process
//	load -base http://127.0.0.1:8080 -noisy -plan pro -limits '{}'   # noisy neighbour
//	load -render DIR                                                   # docs/benchmarks.md
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"time"
)

// warmUp is how long the first endpoint is loaded, unreported, before the
// server's peak memory is reset; see run.
const warmUp = 3 * time.Second

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
	adminEmail, adminPassword    string
	password                     string
	label                        string
	plan                         string
	limits                       map[string]any
	serverPID                    int
	noisy                        bool
	sharedUser                   bool
	quietRate, noisyRate         float64

	// wrk runs the HTTP loops.
	wrk         wrkConfig
	seedOnly    bool
	targets     string // targets file to write (or, for -baseline and -pace, to read)
	pageOut     string // where to save one real GET list page after the seed
	baseline    bool
	bareBody    string
	serveBare   string
	serveFor    time.Duration
	pace        bool
	tenantIndex int
	rate        float64
	workers     int
	startAt     int64
}

func run(args []string, getenv func(string) string, stdout io.Writer) error {
	var c config
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.StringVar(&c.base, "base", "http://127.0.0.1:8080", "base URL of a running tenantry serve (loopback only)")
	fs.IntVar(&c.tenants, "tenants", 100, "tenants to seed")
	fs.IntVar(&c.users, "users", 2, "users per tenant")
	fs.IntVar(&c.projects, "projects", 200, "projects per tenant")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "duration of each endpoint's wrk run (whole seconds) and of each noisy-neighbour phase")
	fs.IntVar(&c.concurrency, "concurrency", 16, "wrk connections (-c) in each run")
	fs.IntVar(&c.seedConcurrency, "seed-concurrency", 8, "concurrent clients while seeding")
	fs.StringVar(&c.endpoints, "endpoints", "list,get,create,chat", "comma-separated wrk runs: list, get, create, chat")
	fs.StringVar(&c.label, "label", "", "label copied into the JSON report")
	fs.StringVar(&c.plan, "plan", "enterprise", "plan of the seeded tenants")
	limits := fs.String("limits", `{"requests_per_second":100000,"chat_per_10s":1000000,"max_in_flight":100000}`,
		"limit overrides (JSON object, set through the admin API) of the seeded tenants; the default lifts the per-tenant rate limits so a throughput run measures the server, not the limiter")
	fs.BoolVar(&c.sharedUser, "shared-user", false, "one user owns every tenant instead of -users new users per tenant (argon2id makes each sign-up and login cost ~0.1–0.2 s of CPU; use this for 10,000 tenants)")
	fs.IntVar(&c.serverPID, "server-pid", 0, "pid of the server on this machine; its peak RSS (VmHWM) goes into the report")
	fs.BoolVar(&c.noisy, "noisy", false, "noisy-neighbour run: a quiet tenant's latency alone, then next to a tenant sending -noisy-rate (both on -plan with -limits), each client in its own process")
	fs.Float64Var(&c.quietRate, "quiet-rate", 50, "requests/s the quiet tenant sends in a -noisy run")
	fs.Float64Var(&c.noisyRate, "noisy-rate", 5000, "requests/s the noisy tenant sends in a -noisy run (10× the pro plan's 500/s)")
	fs.StringVar(&c.wrk.path, "wrk", "wrk", "the wrk binary (Debian: apt-get install wrk)")
	fs.StringVar(&c.wrk.script, "wrk-script", "bench/wrk/tenantry.lua", "the wrk Lua script")
	fs.IntVar(&c.wrk.threads, "wrk-threads", 2, "wrk threads (-t); at most -concurrency")
	fs.DurationVar(&c.wrk.timeout, "wrk-timeout", 5*time.Second, "wrk --timeout: slower answers count as timeout errors")
	fs.BoolVar(&c.seedOnly, "seed-only", false, "seed, write -targets, print the seed report and exit (run wrk yourself)")
	fs.StringVar(&c.targets, "targets", "", "targets file for wrk: written by the seed (a temporary file when empty), read by -baseline and -pace")
	fs.StringVar(&c.pageOut, "page-out", "", "save one real GET /api/projects?limit=20 body here after the seed (the bare baseline serves it)")
	fs.BoolVar(&c.baseline, "baseline", false, "run wrk (list requests from -targets) against a bare net/http process serving -bare-body")
	fs.StringVar(&c.bareBody, "bare-body", "", "body the bare net/http server answers with; a synthetic 20-project page when empty")
	fs.StringVar(&c.serveBare, "serve-bare", "", "serve the bare net/http baseline on this loopback address (port 0: any), print the URL and serve until -serve-for")
	fs.DurationVar(&c.serveFor, "serve-for", 15*time.Minute, "how long -serve-bare serves before exiting")
	fs.BoolVar(&c.pace, "pace", false, "one open-loop client process: GET list for line -tenant-index of -targets at -rate for -duration; prints JSON")
	fs.IntVar(&c.tenantIndex, "tenant-index", 0, "line (0-based) of -targets a -pace client sends for")
	fs.Float64Var(&c.rate, "rate", 50, "requests/s of a -pace client")
	fs.IntVar(&c.workers, "workers", 8, "concurrent requests at most of a -pace client (a send finding all busy is skipped)")
	fs.Int64Var(&c.startAt, "start-at", 0, "Unix time in nanoseconds at which a -pace client starts sending (0: now)")
	renderDir := fs.String("render", "", "print docs/benchmarks.md from the result files in this directory and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *renderDir != "" {
		return render(*renderDir, stdout)
	}
	if c.serveBare != "" {
		return serveBare(c.serveBare, c.bareBody, c.serveFor, stdout)
	}
	c.wrk.connections = c.concurrency
	c.wrk.duration = c.duration
	if c.baseline {
		return runBaseline(c, stdout)
	}
	if err := loopbackOnly(c.base); err != nil {
		return err
	}
	if c.pace {
		return runPace(c, stdout)
	}
	c.adminEmail, c.adminPassword = getenv("TENANTRY_ADMIN_EMAIL"), getenv("TENANTRY_ADMIN_PASSWORD")
	c.password = "bench-password-1"
	if err := json.Unmarshal([]byte(*limits), &c.limits); err != nil {
		return fmt.Errorf("-limits: %w", err)
	}
	if c.adminEmail == "" || c.adminPassword == "" {
		return errors.New("TENANTRY_ADMIN_EMAIL and TENANTRY_ADMIN_PASSWORD must name the platform admin")
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        1024,
			MaxIdleConnsPerHost: 1024,
			IdleConnTimeout:     time.Minute,
		},
	}
	api := &apiClient{base: c.base, http: client, auth: authClients()}
	if c.noisy {
		return runNoisy(api, c, stdout)
	}
	return runMain(api, c, stdout)
}

// runMain seeds the data set, writes the targets file and runs wrk once
// per endpoint (unless -seed-only).
func runMain(api *apiClient, c config, stdout io.Writer) error {
	endpoints := splitComma(c.endpoints)
	for _, ep := range endpoints {
		if !validMode(ep) {
			return fmt.Errorf("unknown endpoint %q (want list, get, create or chat)", ep)
		}
	}
	if !c.seedOnly {
		// Fail before a seed that may take minutes.
		if err := c.wrk.check(); err != nil {
			return err
		}
	}
	report := Report{Label: c.label, Concurrency: c.concurrency, DurationSeconds: c.duration.Seconds()}
	seedStart := time.Now()
	data, err := seed(api, c)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if slices.Contains(endpoints, "chat") {
		if err := data.openSessions(api); err != nil {
			return err
		}
	}
	report.Seed = &SeedReport{Tenants: c.tenants, UsersPerTenant: c.users, ProjectsPerTenant: c.projects,
		SharedUser: c.sharedUser, Seconds: time.Since(seedStart).Seconds()}
	fmt.Fprintf(os.Stderr, "seeded %d tenants in %.1fs\n", c.tenants, report.Seed.Seconds)

	targets, cleanup, err := saveTargets(c.targets, "tenantry-targets-*.tsv", data.tenants)
	if err != nil {
		return err
	}
	defer cleanup()
	if c.pageOut != "" && len(data.tenants) > 0 {
		if err := savePage(api, data.tenants[0], c.pageOut); err != nil {
			return fmt.Errorf("-page-out: %w", err)
		}
	}
	if c.seedOnly {
		if c.serverPID > 0 {
			report.SeedServer = readProcStatus(c.serverPID)
		}
		return writeJSON(stdout, report)
	}
	if c.serverPID > 0 {
		// The seed's sign-ups and logins hash passwords with argon2id
		// (19 MiB each); that garbage stays resident until the next
		// collections return it, which only the load's own allocations
		// trigger. A short warm-up of the first endpoint, not reported,
		// lets that happen; then the peak is reset so that the report shows
		// the peak under the measured load. Both peaks are reported.
		report.SeedServer = readProcStatus(c.serverPID)
		warm := c.wrk
		warm.duration = warmUp
		if _, err := warm.run(c.base, endpoints[0], targets, io.Discard); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
		os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", c.serverPID), []byte("5"), 0)
	}

	report.LoadTool = c.wrk.describe()
	for _, ep := range endpoints {
		r, err := c.wrk.run(c.base, ep, targets, os.Stderr)
		if err != nil {
			return fmt.Errorf("wrk %s: %w", ep, err)
		}
		r.Endpoint = ep
		report.Results = append(report.Results, r)
		fmt.Fprintf(os.Stderr, "%s: %.0f req/s p50 %.2fms p99 %.2fms statuses %v errors %d\n", ep, r.RequestsPerSecond, r.P50ms, r.P99ms, r.Statuses, r.Errors)
	}
	if c.serverPID > 0 {
		report.Server = readProcStatus(c.serverPID)
	}
	return writeJSON(stdout, report)
}

// savePage saves tenant t's first GET list page to name.
func savePage(a *apiClient, t *tenant, name string) error {
	req, err := a.request("GET", "/api/projects?limit=20", t.tokens[0], t.id, nil)
	if err != nil {
		return err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET list: %d %s", resp.StatusCode, bytes.TrimSpace(body))
	}
	return os.WriteFile(name, body, 0o644)
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
