package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for the load program when a test
// makes it start itself (-serve-bare, -pace): os.Executable is then this
// binary, and BENCH_LOAD_AS_MAIN makes it run the command instead of tests.
func TestMain(m *testing.M) {
	if os.Getenv("BENCH_LOAD_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestLoopbackOnly(t *testing.T) {
	tests := []struct {
		base string
		ok   bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"http://127.3.4.5", true},
		{"http://10.0.0.1:8080", false},
		{"http://192.168.1.1", false},
		{"http://example.com", false},
	}
	for _, tt := range tests {
		if got := loopbackOnly(tt.base) == nil; got != tt.ok {
			t.Errorf("loopbackOnly(%q): got ok=%v, want %v", tt.base, got, tt.ok)
		}
	}
}

func TestRunRefusesRemoteBase(t *testing.T) {
	for _, args := range [][]string{
		{"-base", "http://10.1.2.3:8080"},
		{"-base", "http://10.1.2.3:8080", "-pace", "-targets", "x"},
	} {
		err := run(args, func(string) string { return "x" }, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("run(%q): got %v, want a loopback error", args, err)
		}
	}
}

func TestRunFailsWithoutWrk(t *testing.T) {
	// Before seeding anything: the admin login would fail on this port
	// otherwise, so a wrk error proves the check comes first.
	err := run([]string{"-base", "http://127.0.0.1:1", "-wrk", "/nonexistent/wrk"},
		func(string) string { return "x" }, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "apt-get install wrk") {
		t.Errorf("got %v, want an error saying how to install wrk", err)
	}
	err = run([]string{"-baseline", "-wrk", "/nonexistent/wrk"}, func(string) string { return "" }, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "apt-get install wrk") {
		t.Errorf("-baseline: got %v, want an error saying how to install wrk", err)
	}
}

func writeReport(t *testing.T, dir, name string, r Report) {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFile(dir+"/"+name, data); err != nil {
		t.Fatal(err)
	}
}

func TestRenderTargets(t *testing.T) {
	dir := t.TempDir()
	wrkTool := "wrk -t2 -c16"
	write := func(name string, r Report) { writeReport(t, dir, name, r) }
	write("sqlite.json", Report{LoadTool: "wrk -t2 -c16 -d10s", Results: []Result{{Endpoint: "list", Tool: wrkTool, RequestsPerSecond: 20000}}, Server: &ProcStatus{VmHWMKiB: 100 * 1024}})
	write("postgres.json", Report{LoadTool: "wrk -t2 -c16 -d10s", Results: []Result{{Endpoint: "list", Tool: wrkTool, RequestsPerSecond: 1000}, {Endpoint: "create", Tool: wrkTool, RequestsPerSecond: 300}}})
	write("baseline.json", Report{Results: []Result{{Endpoint: "list", Tool: wrkTool, RequestsPerSecond: 32000}}})
	write("sqlite-t100.json", Report{Results: []Result{{Endpoint: "list", Tool: wrkTool, P50ms: 1}}})
	write("sqlite-t10000.json", Report{Results: []Result{{Endpoint: "list", Tool: wrkTool, P50ms: 1.1}}})
	write("postgres-noisy.json", Report{LoadTool: "load -pace", Noisy: &NoisyReport{QuietSolo: Result{P99ms: 10}, QuietMix: Result{P99ms: 30}, FirstNoisy429ms: 40}})
	if err := writeFile(dir+"/pgbench.txt", []byte("tps = 4000.0 (without initial connection time)\nSQL script 1: x\n")); err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := render(dir, &md); err != nil {
		t.Fatal(err)
	}
	got := md.String()
	for _, want := range []string{
		"| target | measured | load tool | met? |",
		"1000 req/s vs 4000 tps = 25.0% | wrk -t2 -c16 vs pgbench -M prepared -c 8 | **not met**",
		"20000 vs 32000 req/s = 62.5% | wrk -t2 -c16 | **met**",
		"300 vs 1000 req/s = 30.0% | wrk -t2 -c16 | **not met**",
		"1.00 → 1.10 ms = +10% | wrk -t2 -c16 | **met**",
		"VmHWM 100 MiB under load | /proc/PID/status during wrk -t2 -c16 runs | **not met**",
		"30.00 ms vs 10.00 ms alone = 3.00× | load -pace, one process per tenant | **not met**",
		"first 429 after 40 ms | load -pace, one process per tenant | **met**",
		"p50 of GET list, 100 → 10,000 tenants, postgres, ≤ +20% | – | – | not measured",
		"Load tool: `wrk -t2 -c16 -d10s`",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("render: missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "SQL script 1") {
		t.Errorf("render: per-script pgbench lines not trimmed")
	}
}

func TestRenderResultsAndBaseline(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, r Report) { writeReport(t, dir, name, r) }
	write("sqlite.json", Report{LoadTool: "wrk -t2 -c16 -d10s", Concurrency: 16, DurationSeconds: 10, Results: []Result{{
		Endpoint: "list", Tool: "wrk -t2 -c16", Requests: 100, RequestsPerSecond: 7000, P50ms: 2, P90ms: 3, P99ms: 4, MaxMs: 9,
		Statuses: map[string]int{"429": 3, "200": 97}, NonOK: 3, Errors: 2}}})
	write("sqlite-noisy.json", Report{LoadTool: "load -pace", Noisy: &NoisyReport{QuietRate: 50, NoisyRate: 5000,
		QuietSoloDropped: 1, QuietMixDropped: 7, NoisyDropped: 900, FirstNoisy429ms: 64, QuietSoloLagP99ms: 0.5, QuietMixLagP99ms: 12.25,
		QuietSolo: Result{Endpoint: "quiet tenant alone", Tool: "load -pace 50/s (own process)", P99ms: 8}}})
	write("baseline.json", Report{LoadTool: "wrk -t2 -c16 -d10s", Concurrency: 16, BodyBytes: 4567,
		Results: []Result{{Endpoint: "baseline", Tool: "wrk -t2 -c16", RequestsPerSecond: 28000, NonOK: 0}}})
	var md bytes.Buffer
	if err := render(dir, &md); err != nil {
		t.Fatal(err)
	}
	got := md.String()
	for _, want := range []string{
		"| list | wrk -t2 -c16 | 7000 | 2.00 | 3.00 | 4.00 | 9.00 | 200: 97, 429: 3, errors: 2 | 25.0% |",
		"28000 req/s",
		"fixed 4567-byte JSON body",
		"load tool: `wrk -t2 -c16 -d10s`",
		"statuses non-2xx: 0",
		"quiet 50 req/s (1 + 7 sends skipped alone + next to the noisy one), noisy 5000 req/s offered (900 skipped); first 429 to the noisy tenant after 64 ms; quiet client's send lag p99 0.50 ms alone, 12.25 ms next to the noisy one.",
		"| quiet tenant alone | load -pace 50/s (own process) |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("render: missing %q in\n%s", want, got)
		}
	}
}

// writeFile writes data to name.
func writeFile(name string, data []byte) error { return os.WriteFile(name, data, 0o644) }
