package app

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tenantry/tenantry/auth"
)

// defaultMemoryLimit is the soft memory limit of "tenantry serve" when
// neither GOMEMLIMIT nor --memory-limit (TENANTRY_MEMORY_LIMIT) sets one.
// The process's peak resident size is about this plus 20–30 MiB: the
// binary's code pages and, on SQLite, its page caches, which the Go
// runtime does not count (docs/benchmarks.md, "Peak memory").
const defaultMemoryLimit = 48 << 20

// noMemoryLimit is the runtime's value for no limit (GOMEMLIMIT=off).
const noMemoryLimit = math.MaxInt64

// Where a memory limit comes from.
const (
	limitFromGOMEMLIMIT = "GOMEMLIMIT"
	limitFromFlag       = "--memory-limit"
	limitFromDefault    = "default"
)

// memoryLimit is the soft memory limit serve runs with.
type memoryLimit struct {
	// bytes is the limit to set; noMemoryLimit is none. Unused when
	// source is limitFromGOMEMLIMIT: the runtime has applied that itself.
	bytes int64
	// source says where it comes from.
	source string
	// ignoredFlag is a --memory-limit that GOMEMLIMIT overrode.
	ignoredFlag string
}

// chooseMemoryLimit returns serve's memory limit: none of its own when
// GOMEMLIMIT is set (the runtime read it at start; the operator's word
// wins), else --memory-limit (or TENANTRY_MEMORY_LIMIT, the flag's
// default) when given, else defaultMemoryLimit.
func chooseMemoryLimit(flagValue string, getenv func(string) string) (memoryLimit, error) {
	flagValue = strings.TrimSpace(flagValue)
	if getenv("GOMEMLIMIT") != "" {
		return memoryLimit{source: limitFromGOMEMLIMIT, ignoredFlag: flagValue}, nil
	}
	if flagValue == "" {
		return memoryLimit{bytes: defaultMemoryLimit, source: limitFromDefault}, nil
	}
	n, err := parseMemoryLimit(flagValue)
	if err != nil {
		return memoryLimit{}, fmt.Errorf("--memory-limit (TENANTRY_MEMORY_LIMIT): %w", err)
	}
	return memoryLimit{bytes: n, source: limitFromFlag}, nil
}

// apply sets the limit with set (debug.SetMemoryLimit outside tests),
// unless GOMEMLIMIT did, and returns the limit in force and the one before
// (to restore when serve returns).
func (m memoryLimit) apply(set func(int64) int64) (effective, previous int64) {
	previous = set(-1)
	if m.source != limitFromGOMEMLIMIT {
		set(m.bytes)
	}
	return set(-1), previous
}

// parseMemoryLimit parses a size in GOMEMLIMIT's syntax: "off", or a
// positive integer with an optional unit B, KiB, MiB, GiB or TiB.
func parseMemoryLimit(s string) (int64, error) {
	if s == "off" {
		return noMemoryLimit, nil
	}
	num, shift := s, 0
	for _, u := range []struct {
		suffix string
		shift  int
	}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"B", 0}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			num, shift = v, u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || num[0] == '+' {
		return 0, fmt.Errorf("want a size such as 64MiB or 1GiB (units B, KiB, MiB, GiB, TiB), or off; got %q", s)
	}
	if n > noMemoryLimit>>shift {
		return 0, errors.New("size too large")
	}
	return n << shift, nil
}

// formatBytes prints a memory limit the way parseMemoryLimit reads it.
func formatBytes(n int64) string {
	if n == noMemoryLimit {
		return "off"
	}
	for _, u := range []struct {
		suffix string
		shift  int
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// defaultGCPercent is the collector's GOGC under a memory limit when the
// GOGC variable does not set it: the heap may grow to five times what is
// live before a collection, and the limit, not GOGC, bounds it. With the
// runtime's 100 a server whose live heap is 10–13 MiB collected every few
// MiB of requests; at 400, in alternating runs on SQLite, lists went
// 1.2–1.5× and creates 1.1× faster, a quiet tenant's p99 next to a noisy
// one fell by a quarter, and the resident peak under load rose from 45 to
// 55 MiB, still inside the limit (docs/benchmarks.md).
const defaultGCPercent = 400

// Where the GC percent comes from.
const (
	gcFromGOGC    = "GOGC"
	gcFromDefault = "default"
	gcFromRuntime = "runtime (no memory limit)"
)

// gcSetting is the collector's percent that serve runs with.
type gcSetting struct {
	percent int    // to set; 0 leaves the runtime's own
	text    string // the GOGC in force, for the log
	source  string
}

// chooseGCPercent returns the GC percent serve runs with under the memory
// limit in force (limit): none of its own when the GOGC variable is set,
// the runtime having applied it, or when no limit bounds the heap (the
// runtime's 100); else defaultGCPercent.
func chooseGCPercent(limit int64, getenv func(string) string) gcSetting {
	switch {
	case getenv("GOGC") != "":
		return gcSetting{text: getenv("GOGC"), source: gcFromGOGC}
	case limit == noMemoryLimit:
		return gcSetting{text: "100", source: gcFromRuntime}
	}
	return gcSetting{percent: defaultGCPercent, text: strconv.Itoa(defaultGCPercent), source: gcFromDefault}
}

// hashReserve is the part of a memory limit left to the rest of the
// server when sizing the password-hashing slots: caches, connections,
// request buffers and the garbage between collections under load.
const hashReserve = 24 << 20

// hashBudget returns the argon2id slots (computations at once) that fit in
// limit, at most procs (GOMAXPROCS), and whether each must collect its
// garbage before the next starts. Each computation allocates p.Memory,
// garbage as soon as it ends, and the collector may leave it in the heap
// while the next one allocates, so a slot is counted twice: at most
// (limit − hashReserve) / (2 × p.Memory) slots. When not even one fits
// (limits under about 62 MiB), one slot collects after each computation,
// which holds hashing to one p.Memory; such a heap is small, so the
// collection is cheap.
func hashBudget(limit int64, p auth.Params, procs int) (slots int, collect bool) {
	procs = max(procs, 1)
	if limit == noMemoryLimit {
		return procs, false
	}
	per := int64(p.Memory) << 10
	fit := (limit - hashReserve) / (2 * per)
	if fit < 1 {
		return 1, true
	}
	return int(min(fit, int64(procs))), false
}
