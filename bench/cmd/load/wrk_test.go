package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseWrkOutput(t *testing.T) {
	line := `{"wrk_result":1,"mode":"list","requests":1200,"duration_s":10.004,"requests_per_second":119.9,` +
		`"p50_ms":1.250,"p90_ms":2.500,"p99_ms":9.000,"max_ms":20.125,"errors":3,` +
		`"error_kinds":{"connect":0,"read":1,"write":0,"timeout":2},"non_2xx":5,"statuses":{"200":1195,"429":5},` +
		`"loadavg_before":1.50,"loadavg_after":2.25}`
	human := "Running 10s test @ http://127.0.0.1:1\n  Latency Distribution\n     50%    1.25ms\n"
	tests := []struct {
		name    string
		out     string
		want    Result
		wantErr string
	}{
		{"with statuses", human + line + "\n", Result{Endpoint: "list", Requests: 1200, Errors: 3,
			ErrorKinds: map[string]int{"connect": 0, "read": 1, "write": 0, "timeout": 2},
			Statuses:   map[string]int{"200": 1195, "429": 5}, NonOK: 5, RequestsPerSecond: 119.9,
			P50ms: 1.25, P90ms: 2.5, P99ms: 9, MaxMs: 20.125, LoadAvgBefore: 1.5, LoadAvgAfter: 2.25}, ""},
		{"nostatus", strings.Replace(line, `"statuses":{"200":1195,"429":5}`, `"statuses":{}`, 1), Result{Endpoint: "list",
			Requests: 1200, Errors: 3, ErrorKinds: map[string]int{"connect": 0, "read": 1, "write": 0, "timeout": 2},
			Statuses: map[string]int{}, NonOK: 5, RequestsPerSecond: 119.9,
			P50ms: 1.25, P90ms: 2.5, P99ms: 9, MaxMs: 20.125, LoadAvgBefore: 1.5, LoadAvgAfter: 2.25}, ""},
		{"no line", human, Result{}, "no result line"},
		{"bad json", `{"wrk_result":1,"mode":` + "\n", Result{}, "wrk result line"},
		{"no duration", `{"wrk_result":1,"mode":"list","requests":1}` + "\n", Result{}, "missing or bad"},
	}
	for _, tt := range tests {
		got, err := parseWrkOutput([]byte(tt.out))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: got error %v, want one containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

func TestWrkFlags(t *testing.T) {
	tests := []struct {
		w    wrkConfig
		want string
	}{
		{wrkConfig{threads: 2, connections: 16, duration: 10 * time.Second, timeout: 5 * time.Second}, "-t2 -c16 -d10s --timeout 5s --latency"},
		{wrkConfig{threads: 2, connections: 1, duration: 1500 * time.Millisecond, timeout: time.Second}, "-t1 -c1 -d2s --timeout 1s --latency"},
		{wrkConfig{threads: 0, connections: 0, duration: 0, timeout: 0}, "-t1 -c1 -d1s --timeout 1s --latency"},
	}
	for _, tt := range tests {
		if got := strings.Join(tt.w.flags(), " "); got != tt.want {
			t.Errorf("flags(%+v): got %q, want %q", tt.w, got, tt.want)
		}
	}
	w := wrkConfig{script: "bench/wrk/tenantry.lua", threads: 2, connections: 16, duration: 10 * time.Second, timeout: 5 * time.Second}
	if got, want := strings.Join(w.args("http://127.0.0.1:1", "get", "t.tsv"), " "),
		"-t2 -c16 -d10s --timeout 5s --latency -s bench/wrk/tenantry.lua http://127.0.0.1:1 -- get t.tsv"; got != want {
		t.Errorf("args: got %q, want %q", got, want)
	}
	if got, want := w.tool(), "wrk -t2 -c16"; got != want {
		t.Errorf("tool: got %q, want %q", got, want)
	}
}

// needWrk skips the test when wrk is not installed, and fails it instead
// when TENANTRY_TEST_REQUIRE_WRK=1 (as CI sets it).
func needWrk(t *testing.T) wrkConfig {
	t.Helper()
	if _, err := exec.LookPath("wrk"); err != nil {
		if os.Getenv("TENANTRY_TEST_REQUIRE_WRK") == "1" {
			t.Fatal("wrk is not installed and TENANTRY_TEST_REQUIRE_WRK=1 (apt-get install wrk)")
		}
		t.Skip("wrk is not installed (apt-get install wrk)")
	}
	return wrkConfig{path: "wrk", script: "../../wrk/tenantry.lua", threads: 2, connections: 4, duration: time.Second, timeout: 2 * time.Second}
}

// apiFake checks what tenantry.lua sends in each mode against the targets.
type apiFake struct {
	t       *testing.T
	targets map[string]*tenant
	mu      sync.Mutex
	seen    map[string]int // tenant -> requests
	names   map[string]bool
	bad     []string
}

func (f *apiFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	fail := func(format string, args ...any) {
		if len(f.bad) < 5 {
			f.bad = append(f.bad, fmt.Sprintf(format, args...))
		}
		w.WriteHeader(http.StatusBadRequest)
	}
	tn := f.targets[r.Header.Get("X-Tenant-ID")]
	if tn == nil {
		fail("unknown tenant %q", r.Header.Get("X-Tenant-ID"))
		return
	}
	f.seen[tn.id]++
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !contains(tn.tokens, tok) {
		fail("tenant %s: token %q", tn.id, tok)
		return
	}
	switch {
	case r.Method == "GET" && r.URL.RequestURI() == "/api/projects?limit=20":
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/projects/"):
		if id := strings.TrimPrefix(r.URL.Path, "/api/projects/"); !contains(tn.projects, id) {
			fail("tenant %s: project %q", tn.id, id)
			return
		}
	case r.Method == "POST" && r.URL.Path == "/api/projects":
		var p struct{ Name string }
		if err := json.Unmarshal(body, &p); err != nil || p.Name == "" || f.names[p.Name] {
			fail("create body %q (err %v, seen %v)", body, err, f.names[p.Name])
			return
		}
		f.names[p.Name] = true
		if tn.id != "t2" {
			w.WriteHeader(http.StatusCreated)
			return
		}
	case r.Method == "POST" && r.URL.Path == "/api/chat":
		var c struct {
			SessionID string `json:"session_id"`
			Message   string
		}
		if err := json.Unmarshal(body, &c); err != nil || c.SessionID != tn.session || c.Message == "" {
			fail("chat body %q for tenant %s", body, tn.id)
			return
		}
	default:
		fail("unexpected %s %s", r.Method, r.URL)
		return
	}
	if tn.id == "t2" {
		w.WriteHeader(http.StatusTooManyRequests)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestWrkScriptModes(t *testing.T) {
	w := needWrk(t)
	tenants := []*tenant{
		{id: "t0", tokens: []string{"tok-a", "tok-b"}, projects: []string{"p1", "p2", "p3"}, session: "s0"},
		{id: "t1", tokens: []string{"tok-c"}, projects: []string{"p4"}, session: "s1"},
		{id: "t2", tokens: []string{"tok-d"}, projects: []string{"p5"}, session: "s2"},
	}
	targets := t.TempDir() + "/targets.tsv"
	if err := writeTargetsFile(targets, tenants); err != nil {
		t.Fatal(err)
	}
	byID := map[string]*tenant{}
	for _, tn := range tenants {
		byID[tn.id] = tn
	}
	for _, mode := range []string{"list", "get", "create", "chat"} {
		t.Run(mode, func(t *testing.T) {
			f := &apiFake{t: t, targets: byID, seen: map[string]int{}, names: map[string]bool{}}
			srv := httptest.NewServer(f)
			defer srv.Close()
			var log bytes.Buffer
			r, err := w.run(srv.URL, mode, targets, &log)
			if err != nil {
				t.Fatalf("%v\n%s", err, log.String())
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.bad) > 0 {
				t.Errorf("bad requests: %q", f.bad)
			}
			if r.Endpoint != mode || r.Tool != "wrk -t2 -c4" || r.Requests == 0 || r.RequestsPerSecond <= 0 {
				t.Errorf("got %+v, want mode %s, tool wrk -t2 -c4 and requests", r, mode)
			}
			if !(r.P50ms <= r.P90ms && r.P90ms <= r.P99ms && r.P99ms <= r.MaxMs) {
				t.Errorf("percentiles out of order: %+v", r)
			}
			total := 0
			for _, n := range r.Statuses {
				total += n
			}
			if total != r.Requests {
				t.Errorf("statuses %v add up to %d, want %d requests", r.Statuses, total, r.Requests)
			}
			// t2 gets 429s: about a third of the requests.
			if got, want := r.NonOK, r.Statuses["429"]; got != want || got == 0 || got == r.Requests {
				t.Errorf("got non-2xx %d, want the %d 429s, some but not all", got, want)
			}
			for _, tn := range tenants {
				if f.seen[tn.id] == 0 {
					t.Errorf("tenant %s got no request (seen %v)", tn.id, f.seen)
				}
			}
			if !strings.Contains(log.String(), "Requests/sec") {
				t.Errorf("wrk's own summary not copied to the log: %q", log.String())
			}
		})
	}
}

func TestWrkScriptNoStatusAndBadTargets(t *testing.T) {
	w := needWrk(t)
	dir := t.TempDir()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	targets := dir + "/targets.tsv"
	if err := writeTargetsFile(targets, []*tenant{{id: "t0", tokens: []string{"x"}}}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(w.path, "-t1", "-c1", "-d1s", "-s", w.script, srv.URL, "--", "list", targets, "nostatus").Output()
	if err != nil {
		t.Fatal(err)
	}
	r, err := parseWrkOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Statuses) != 0 || r.NonOK != r.Requests || r.Requests == 0 {
		t.Errorf("nostatus: got statuses %v non-2xx %d of %d, want none counted and every 503 in non-2xx", r.Statuses, r.NonOK, r.Requests)
	}
	// get needs projects, chat a session: wrk must refuse to start.
	for _, mode := range []string{"get", "chat"} {
		if _, err := w.run(srv.URL, mode, targets, io.Discard); err == nil {
			t.Errorf("%s without projects/session: got no error, want one", mode)
		}
	}
	if _, err := w.run(srv.URL, "list", dir+"/missing.tsv", io.Discard); err == nil {
		t.Errorf("missing targets file: got no error, want one")
	}
}

func TestRunBaseline(t *testing.T) {
	w := needWrk(t)
	t.Setenv("BENCH_LOAD_AS_MAIN", "1")
	body := t.TempDir() + "/page.json"
	page := []byte(`{"items":[{"id":"x"}],"next_cursor":null}` + "\n")
	if err := writeFile(body, page); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run([]string{"-baseline", "-duration", "1s", "-concurrency", "4", "-wrk-script", w.script, "-bare-body", body},
		func(string) string { return "" }, &out)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 || rep.Results[0].Requests == 0 || rep.Results[0].Statuses["200"] != rep.Results[0].Requests {
		t.Fatalf("got %+v, want one result of 200s", rep)
	}
	if got, want := rep.BodyBytes, len(page); got != want {
		t.Errorf("body bytes: got %d, want %d", got, want)
	}
	if !strings.HasPrefix(rep.LoadTool, "wrk -t2 -c4") {
		t.Errorf("load tool: got %q, want wrk -t2 -c4 ...", rep.LoadTool)
	}
}
