package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"
	"time"
)

// wrkConfig says how to run wrk (https://github.com/wg/wrk; Debian package
// wrk) with bench/wrk/tenantry.lua: a closed loop of connections
// connections over threads threads for duration.
type wrkConfig struct {
	path, script         string
	threads, connections int
	duration, timeout    time.Duration
}

// wrkMarker starts the JSON line tenantry.lua's done() prints.
const wrkMarker = `{"wrk_result":`

// validMode reports whether mode is one tenantry.lua knows.
func validMode(mode string) bool {
	switch mode {
	case "list", "get", "create", "chat":
		return true
	}
	return false
}

// check fails when wrk or the script is missing.
func (w wrkConfig) check() error {
	if _, err := exec.LookPath(w.path); err != nil {
		return fmt.Errorf("wrk not found (%v): the HTTP loops are driven by wrk; install it with `apt-get install wrk`", err)
	}
	if _, err := os.Stat(w.script); err != nil {
		return fmt.Errorf("wrk script: %w (run from the repository root or set -wrk-script)", err)
	}
	return nil
}

// flags returns wrk's options (without script, URL and script arguments).
func (w wrkConfig) flags() []string {
	conns := max(w.connections, 1)
	threads := min(max(w.threads, 1), conns)
	secs := max(int(math.Ceil(w.duration.Seconds())), 1)
	timeout := max(int(math.Ceil(w.timeout.Seconds())), 1)
	return []string{fmt.Sprintf("-t%d", threads), fmt.Sprintf("-c%d", conns), fmt.Sprintf("-d%ds", secs),
		"--timeout", fmt.Sprintf("%ds", timeout), "--latency"}
}

// args returns wrk's whole command line after the program name.
func (w wrkConfig) args(base, mode, targets string) []string {
	return append(w.flags(), "-s", w.script, base, "--", mode, targets)
}

// describe is the command line for the report, without URL and files.
func (w wrkConfig) describe() string {
	return "wrk " + strings.Join(w.flags(), " ") + " -s " + w.script
}

// tool is the short name of this load generator for result tables.
func (w wrkConfig) tool() string {
	f := w.flags()
	return "wrk " + f[0] + " " + f[1]
}

// run runs wrk once against base in mode with the targets file, copies
// wrk's own summary to log and returns the parsed result.
func (w wrkConfig) run(base, mode, targets string, log io.Writer) (Result, error) {
	if err := w.check(); err != nil {
		return Result{}, err
	}
	if !validMode(mode) {
		return Result{}, fmt.Errorf("unknown wrk mode %q", mode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.duration+w.timeout+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.path, w.args(base, mode, targets)...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = log
	err := cmd.Run()
	for _, line := range strings.SplitAfter(out.String(), "\n") {
		if !strings.HasPrefix(line, wrkMarker) {
			io.WriteString(log, line)
		}
	}
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", strings.Join(cmd.Args, " "), err)
	}
	r, err := parseWrkOutput(out.Bytes())
	if err != nil {
		return Result{}, err
	}
	r.Tool = w.tool()
	if r.Requests == 0 {
		return r, fmt.Errorf("wrk %s: no request completed (errors %v)", mode, r.ErrorKinds)
	}
	return r, nil
}

// wrkLine is the part of tenantry.lua's JSON line that is not a Result
// field.
type wrkLine struct {
	Marker    *int    `json:"wrk_result"`
	Mode      string  `json:"mode"`
	DurationS float64 `json:"duration_s"`
}

// parseWrkOutput finds the JSON line tenantry.lua's done() printed in wrk's
// output and returns it as a Result (Endpoint is the script's mode).
func parseWrkOutput(out []byte) (Result, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte(wrkMarker)) {
			continue
		}
		var head wrkLine
		if err := json.Unmarshal(line, &head); err != nil {
			return Result{}, fmt.Errorf("wrk result line: %w: %s", err, line)
		}
		var r Result
		if err := json.Unmarshal(line, &r); err != nil {
			return Result{}, fmt.Errorf("wrk result line: %w: %s", err, line)
		}
		if head.Marker == nil || head.DurationS <= 0 || r.Requests < 0 {
			return Result{}, fmt.Errorf("wrk result line: missing or bad fields: %s", line)
		}
		r.Endpoint = head.Mode
		if r.Statuses == nil {
			r.Statuses = map[string]int{}
		}
		return r, nil
	}
	if err := sc.Err(); err != nil {
		return Result{}, err
	}
	return Result{}, errors.New("wrk printed no result line (is the -s script bench/wrk/tenantry.lua?)")
}
