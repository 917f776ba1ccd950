package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

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

func TestLoopCountsAndStops(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/limited" {
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	begin := time.Now()
	r := loop(srv.Client(), 2, 200*time.Millisecond, func(rng *rand.Rand) (*http.Request, error) {
		path := "/ok"
		if rng.IntN(2) == 0 {
			path = "/limited"
		}
		return http.NewRequest("GET", srv.URL+path, nil)
	})
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("loop ran %v, want about 200ms", d)
	}
	if r.Requests == 0 || r.Statuses["200"]+r.Statuses["429"] != r.Requests {
		t.Errorf("got %d requests with statuses %v, want some 200 and 429 adding up", r.Requests, r.Statuses)
	}
	if !(r.P50ms <= r.P90ms && r.P90ms <= r.P99ms && r.P99ms <= r.MaxMs) {
		t.Errorf("percentiles out of order: %+v", r)
	}
}

func TestRunBaselineAndRender(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-baseline", "-duration", "200ms", "-concurrency", "2"}, func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 || rep.Results[0].Requests == 0 {
		t.Fatalf("got %+v, want one result with requests", rep)
	}
	dir := t.TempDir()
	if err := writeFile(dir+"/baseline.json", out.Bytes()); err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := render(dir, &md); err != nil {
		t.Fatal(err)
	}
	if got := md.String(); !strings.Contains(got, "bare net/http handler") {
		t.Errorf("render: got %q, want the baseline section", got)
	}
}

func TestRunRefusesRemoteBase(t *testing.T) {
	err := run([]string{"-base", "http://10.1.2.3:8080"}, func(string) string { return "x" }, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("got %v, want a loopback error", err)
	}
}

func TestRenderTargets(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, r Report) {
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeFile(dir+"/"+name, data); err != nil {
			t.Fatal(err)
		}
	}
	write("sqlite.json", Report{Results: []Result{{Endpoint: "list", RequestsPerSecond: 20000}}, Server: &ProcStatus{VmHWMKiB: 100 * 1024}})
	write("postgres.json", Report{Results: []Result{{Endpoint: "list", RequestsPerSecond: 1000}, {Endpoint: "create", RequestsPerSecond: 300}}})
	write("sqlite-t100.json", Report{Results: []Result{{Endpoint: "list", P50ms: 1}}})
	write("sqlite-t10000.json", Report{Results: []Result{{Endpoint: "list", P50ms: 1.1}}})
	write("postgres-noisy.json", Report{Noisy: &NoisyReport{QuietSolo: Result{P99ms: 10}, QuietMix: Result{P99ms: 30}, FirstNoisy429ms: 40}})
	if err := writeFile(dir+"/pgbench.txt", []byte("tps = 4000.0 (without initial connection time)\nSQL script 1: x\n")); err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := render(dir, &md); err != nil {
		t.Fatal(err)
	}
	got := md.String()
	for _, want := range []string{
		"1000 req/s vs 4000 tps = 25.0% | **not met**",
		"20000 req/s (125.0% of target) | **met**",
		"300 vs 1000 req/s = 30.0% | **not met**",
		"1.00 → 1.10 ms = +10% | **met**",
		"VmHWM 100 MiB | **not met**",
		"30.00 ms vs 10.00 ms alone = 3.00× | **not met**",
		"first 429 after 40 ms | **met**",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("render: missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "SQL script 1") {
		t.Errorf("render: per-script pgbench lines not trimmed")
	}
}
