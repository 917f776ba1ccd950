package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// serveBare serves body (the file bodyFile, or a synthetic 20-project list
// page) to every request on the loopback address addr, the way the API
// writes JSON (Content-Type, Content-Length, nosniff), prints its URL as
// the first line of stdout and serves for d.
func serveBare(addr, bodyFile string, d time.Duration, stdout io.Writer) error {
	body, err := bareBody(bodyFile)
	if err != nil {
		return err
	}
	if err := loopbackOnly("http://" + addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: bareHandler(body), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "http://%s\n", ln.Addr())
	timer := time.AfterFunc(d, func() { srv.Close() })
	defer timer.Stop()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// bareHandler answers every request with body.
func bareHandler(body []byte) http.Handler {
	length := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", length)
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
}

// bareBody reads name, or makes a synthetic page when name is empty.
func bareBody(name string) ([]byte, error) {
	if name == "" {
		return syntheticPage(20), nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("-bare-body: %w", err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("-bare-body: %s is empty", name)
	}
	return b, nil
}

// syntheticPage is a GET /api/projects page of n projects shaped like the
// API's (UUIDs, names, descriptions, RFC 3339 timestamps), for a baseline
// without a captured page.
func syntheticPage(n int) []byte {
	type project struct {
		ID          string    `json:"id"`
		TenantID    string    `json:"tenant_id"`
		Name        string    `json:"name"`
		Description string    `json:"description"`
		IsActive    bool      `json:"is_active"`
		CreatedAt   time.Time `json:"created_at"`
		UpdatedAt   time.Time `json:"updated_at"`
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	page := struct {
		Items      []project `json:"items"`
		NextCursor string    `json:"next_cursor"`
	}{NextCursor: "0196f0c2-7b1a-7c3e-9d4f-0a1b2c3d4e5f"}
	for i := range n {
		page.Items = append(page.Items, project{
			ID:          fmt.Sprintf("0196f0c2-7b1a-7c3e-9d4f-%012x", i),
			TenantID:    "0196f0c2-0000-7000-8000-000000000001",
			Name:        fmt.Sprintf("Project %d", i),
			Description: "seeded by bench/cmd/load",
			IsActive:    true,
			CreatedAt:   at,
			UpdatedAt:   at,
		})
	}
	b, _ := json.Marshal(page)
	return append(b, '\n')
}

// syntheticTargets is a targets file for the bare baseline when no seeded
// one is given (the bare server ignores the headers; the requests only
// have the same shape).
func syntheticTargets(n int) []*tenant {
	out := make([]*tenant, n)
	for i := range out {
		out[i] = &tenant{
			id:       fmt.Sprintf("0196f0c2-0000-7000-8000-%012x", i),
			tokens:   []string{strings.Repeat("x", 300)},
			projects: []string{fmt.Sprintf("0196f0c2-7b1a-7c3e-9d4f-%012x", i)},
		}
	}
	return out
}

// runBaseline starts this program with -serve-bare in a process of its
// own and runs wrk's list mode against it: the same requests and the same
// load generator as the list run, answered by a handler doing no work.
func runBaseline(c config, stdout io.Writer) error {
	if err := c.wrk.check(); err != nil {
		return err
	}
	body, err := bareBody(c.bareBody)
	if err != nil {
		return err
	}
	targets := c.targets
	if targets == "" {
		f, err := os.CreateTemp("", "tenantry-bare-targets-*.tsv")
		if err != nil {
			return err
		}
		f.Close()
		targets = f.Name()
		defer os.Remove(targets)
		if err := writeTargetsFile(targets, syntheticTargets(100)); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	args := []string{"-serve-bare", "127.0.0.1:0", "-serve-for", (c.duration + 2*time.Minute).String()}
	if c.bareBody != "" {
		args = append(args, "-bare-body", c.bareBody)
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.duration+3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("bare server did not start: %w", err)
	}
	base := strings.TrimSpace(line)
	if err := loopbackOnly(base); err != nil {
		return err
	}
	r, err := c.wrk.run(base, "list", targets, os.Stderr)
	if err != nil {
		return fmt.Errorf("wrk baseline: %w", err)
	}
	r.Endpoint = "baseline GET (bare net/http, separate process)"
	report := Report{Label: c.label, Concurrency: c.concurrency, DurationSeconds: c.duration.Seconds(),
		LoadTool: c.wrk.describe(), Results: []Result{r}, BodyBytes: len(body)}
	if st := readProcStatus(cmd.Process.Pid); st != nil {
		report.Server = st
	}
	fmt.Fprintf(os.Stderr, "baseline: %.0f req/s p50 %.2fms p99 %.2fms (%d-byte body)\n", r.RequestsPerSecond, r.P50ms, r.P99ms, len(body))
	return writeJSON(stdout, report)
}
