package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// NoisyReport is a noisy-neighbour run: the quiet tenant's GET list latency
// alone, then while another tenant sends NoisyRate requests/s. Each client
// is a -pace process of its own.
type NoisyReport struct {
	Plan      string  `json:"plan"`
	QuietRate float64 `json:"quiet_rate"`
	NoisyRate float64 `json:"noisy_rate"`
	QuietSolo Result  `json:"quiet_solo"`
	QuietMix  Result  `json:"quiet_with_noisy"`
	Noisy     Result  `json:"noisy"`
	// NoisyDropped counts sends the noisy pacer skipped because every
	// noisy client was still waiting for an answer; QuietSoloDropped and
	// QuietMixDropped the same for the quiet client (a skipped quiet send
	// is a slow answer the p99 does not see).
	NoisyDropped     int `json:"noisy_dropped"`
	QuietSoloDropped int `json:"quiet_solo_dropped"`
	QuietMixDropped  int `json:"quiet_with_noisy_dropped"`
	// FirstNoisy429ms is the time from the noisy tenant's first request to
	// its first 429 answer; -1 if it got none.
	FirstNoisy429ms float64 `json:"first_noisy_429_ms"`
	// QuietSoloLagP99ms and QuietMixLagP99ms are the 99th percentile of
	// the quiet client's own send delay (actual send − scheduled send),
	// which the latencies above do not include.
	QuietSoloLagP99ms float64 `json:"quiet_solo_send_lag_p99_ms"`
	QuietMixLagP99ms  float64 `json:"quiet_with_noisy_send_lag_p99_ms"`
}

// paceChild is one -pace client process to start.
type paceChild struct {
	name        string
	tenantIndex int
	rate        float64
	workers     int
}

// runNoisy seeds two tenants (line 0 of the targets file is the quiet one,
// line 1 the noisy one) and measures the quiet one's latency solo and next
// to the noisy one, each client a separate process of this program
// (-pace), so that neither client's scheduling delays show up in the
// other's latencies. This process only waits while they run.
func runNoisy(api *apiClient, c config, stdout io.Writer) error {
	c.tenants, c.users, c.projects = 2, 1, 20
	data, err := seed(api, c)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	targets, cleanup, err := saveTargets(c.targets, "tenantry-noisy-targets-*.tsv", data.tenants)
	if err != nil {
		return err
	}
	defer cleanup()
	// 32 quiet workers cover 640 ms of answers at 50/s, so the quiet
	// client practically never skips a send.
	quiet := paceChild{name: "quiet", tenantIndex: 0, rate: c.quietRate, workers: 32}
	noisy := paceChild{name: "noisy", tenantIndex: 1, rate: c.noisyRate, workers: 64}

	rep := &NoisyReport{Plan: c.plan, QuietRate: c.quietRate, NoisyRate: c.noisyRate}
	solo, err := runPaceChildren(c, targets, []paceChild{quiet})
	if err != nil {
		return err
	}
	rep.QuietSolo, rep.QuietSoloLagP99ms, rep.QuietSoloDropped = solo[0].Result, solo[0].SendLagP99ms, solo[0].Dropped
	rep.QuietSolo.Endpoint = "quiet tenant alone"

	mix, err := runPaceChildren(c, targets, []paceChild{noisy, quiet})
	if err != nil {
		return err
	}
	rep.Noisy, rep.NoisyDropped, rep.FirstNoisy429ms = mix[0].Result, mix[0].Dropped, mix[0].First429ms
	rep.QuietMix, rep.QuietMixLagP99ms, rep.QuietMixDropped = mix[1].Result, mix[1].SendLagP99ms, mix[1].Dropped
	rep.QuietMix.Endpoint, rep.Noisy.Endpoint = "quiet tenant next to the noisy one", "noisy tenant"
	fmt.Fprintf(os.Stderr, "noisy: quiet p99 solo %.2fms, with noisy %.2fms; noisy statuses %v, first 429 after %.1fms\n",
		rep.QuietSolo.P99ms, rep.QuietMix.P99ms, rep.Noisy.Statuses, rep.FirstNoisy429ms)
	report := Report{Label: c.label, Concurrency: c.concurrency, DurationSeconds: c.duration.Seconds(), Noisy: rep,
		LoadTool: "load -pace (Go, open loop, one process per tenant)"}
	if c.serverPID > 0 {
		report.Server = readProcStatus(c.serverPID)
	}
	return writeJSON(stdout, report)
}

// runPaceChildren starts one -pace process per child, all told to start
// sending at the same instant, and returns their reports in order.
func runPaceChildren(c config, targets string, children []paceChild) ([]PaceReport, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.duration+2*time.Minute)
	defer cancel()
	// Half a second lets every process start before the first send.
	startAt := time.Now().Add(500 * time.Millisecond).UnixNano()
	cmds := make([]*exec.Cmd, len(children))
	outs := make([]*bytes.Buffer, len(children))
	for i, ch := range children {
		cmds[i] = exec.CommandContext(ctx, self, "-pace", "-base", c.base, "-targets", targets,
			"-tenant-index", strconv.Itoa(ch.tenantIndex), "-rate", strconv.FormatFloat(ch.rate, 'f', -1, 64),
			"-workers", strconv.Itoa(ch.workers), "-duration", c.duration.String(),
			"-start-at", strconv.FormatInt(startAt, 10), "-label", ch.name)
		outs[i] = &bytes.Buffer{}
		cmds[i].Stdout, cmds[i].Stderr = outs[i], os.Stderr
		if err := cmds[i].Start(); err != nil {
			for _, started := range cmds[:i] {
				started.Process.Kill()
				started.Wait()
			}
			return nil, fmt.Errorf("start %s client: %w", ch.name, err)
		}
	}
	var firstErr error
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s client: %w", children[i].name, err)
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	reps := make([]PaceReport, len(children))
	for i := range children {
		if err := json.Unmarshal(outs[i].Bytes(), &reps[i]); err != nil {
			return nil, fmt.Errorf("%s client output: %w", children[i].name, err)
		}
	}
	return reps, nil
}
