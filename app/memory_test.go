package app

import (
	"io"
	"runtime"
	"slices"
	"testing"

	"github.com/tenantry/tenantry/auth"
)

// fakeLimit stands in for debug.SetMemoryLimit: it holds a limit and
// records the limits set (negative calls only read, as the runtime's do).
type fakeLimit struct {
	limit int64
	sets  []int64
}

func (f *fakeLimit) set(n int64) int64 {
	prev := f.limit
	if n >= 0 {
		f.limit = n
		f.sets = append(f.sets, n)
	}
	return prev
}

func TestMemoryLimitSelection(t *testing.T) {
	const startup = 300 << 20 // what the runtime holds at start (from GOMEMLIMIT, or none)
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantSource string
		wantLimit  int64   // in force after apply
		wantSets   []int64 // limits set by apply
		wantIgnore string
	}{
		{"default", nil, nil, limitFromDefault, defaultMemoryLimit, []int64{defaultMemoryLimit}, ""},
		{"flag", nil, []string{"--memory-limit", "96MiB"}, limitFromFlag, 96 << 20, []int64{96 << 20}, ""},
		{"env of the flag", map[string]string{"TENANTRY_MEMORY_LIMIT": "1GiB"}, nil, limitFromFlag, 1 << 30, []int64{1 << 30}, ""},
		{"flag over its env", map[string]string{"TENANTRY_MEMORY_LIMIT": "1GiB"}, []string{"--memory-limit", "80MiB"}, limitFromFlag, 80 << 20, []int64{80 << 20}, ""},
		{"flag off", nil, []string{"--memory-limit", "off"}, limitFromFlag, noMemoryLimit, []int64{noMemoryLimit}, ""},
		{"GOMEMLIMIT untouched", map[string]string{"GOMEMLIMIT": "300MiB"}, nil, limitFromGOMEMLIMIT, startup, nil, ""},
		{"GOMEMLIMIT over the flag", map[string]string{"GOMEMLIMIT": "300MiB"}, []string{"--memory-limit", "64MiB"}, limitFromGOMEMLIMIT, startup, nil, "64MiB"},
		{"GOMEMLIMIT over the flag's env", map[string]string{"GOMEMLIMIT": "off", "TENANTRY_MEMORY_LIMIT": "64MiB"}, nil, limitFromGOMEMLIMIT, startup, nil, "64MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &environment{getenv: func(k string) string { return tt.env[k] }, stderr: io.Discard}
			c, err := env.parseServe(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.memLimit.source; got != tt.wantSource {
				t.Errorf("source = %q, want %q", got, tt.wantSource)
			}
			if got := c.memLimit.ignoredFlag; got != tt.wantIgnore {
				t.Errorf("ignored flag = %q, want %q", got, tt.wantIgnore)
			}
			rt := &fakeLimit{limit: startup}
			effective, previous := c.memLimit.apply(rt.set)
			if effective != tt.wantLimit {
				t.Errorf("limit in force = %s, want %s", formatBytes(effective), formatBytes(tt.wantLimit))
			}
			if previous != startup {
				t.Errorf("previous limit = %s, want %s (to restore)", formatBytes(previous), formatBytes(startup))
			}
			if !slices.Equal(rt.sets, tt.wantSets) {
				t.Errorf("limits set = %v, want %v", rt.sets, tt.wantSets)
			}
		})
	}
}

func TestParseMemoryLimit(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"67108864", 64 << 20, true},
		{"67108864B", 64 << 20, true},
		{"512KiB", 512 << 10, true},
		{"48MiB", 48 << 20, true},
		{"2GiB", 2 << 30, true},
		{"1TiB", 1 << 40, true},
		{"off", noMemoryLimit, true},
		{"", 0, false},
		{"0", 0, false},
		{"-1MiB", 0, false},
		{"+64MiB", 0, false},
		{"64MB", 0, false},
		{"64 MiB", 0, false},
		{"MiB", 0, false},
		{"1.5GiB", 0, false},
		{"9000000TiB", 0, false},
		{"OFF", 0, false},
	}
	for _, tt := range tests {
		got, err := parseMemoryLimit(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseMemoryLimit(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok {
			if back, err := parseMemoryLimit(formatBytes(got)); err != nil || back != got {
				t.Errorf("parseMemoryLimit(formatBytes(%d) = %q) = %d, %v; want the same size", got, formatBytes(got), back, err)
			}
		}
	}
	for n, want := range map[int64]string{48 << 20: "48MiB", 1 << 30: "1GiB", 1536 << 20: "1536MiB", 1000: "1000B", 3 << 10: "3KiB", noMemoryLimit: "off"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestHashBudget(t *testing.T) {
	p := auth.DefaultParams() // 19 MiB a computation
	tests := []struct {
		name        string
		limit       int64
		procs       int
		wantSlots   int
		wantCollect bool
	}{
		{"no limit: one per core", noMemoryLimit, 8, 8, false},
		{"default limit: one slot, collected", defaultMemoryLimit, 2, 1, true},
		{"default limit, many cores", defaultMemoryLimit, 64, 1, true},
		{"below the reserve", 16 << 20, 2, 1, true},
		{"one fits twice", 64 << 20, 2, 1, false},
		{"two fit twice", 104 << 20, 2, 2, false},
		{"capped by the cores", 1 << 30, 2, 2, false},
		{"1 GiB on 16 cores", 1 << 30, 16, 16, false},
		{"512 MiB on 16 cores", 512 << 20, 16, 12, false},
		{"zero procs counts as one", 1 << 30, 0, 1, false},
	}
	for _, tt := range tests {
		slots, collect := hashBudget(tt.limit, p, tt.procs)
		if slots != tt.wantSlots || collect != tt.wantCollect {
			t.Errorf("%s: hashBudget(%s, 19 MiB, %d) = %d slots, collect %v; want %d, %v",
				tt.name, formatBytes(tt.limit), tt.procs, slots, collect, tt.wantSlots, tt.wantCollect)
		}
	}
	// Hashing's memory fits the limit in every case a limit is set.
	for _, limit := range []int64{32 << 20, defaultMemoryLimit, 64 << 20, 200 << 20, 1 << 30} {
		slots, collect := hashBudget(limit, p, runtime.GOMAXPROCS(0))
		held := int64(slots) * int64(p.Memory) << 10
		if !collect {
			held *= 2
		}
		if held > max(limit-hashReserve, int64(p.Memory)<<10) {
			t.Errorf("limit %s: hashing may hold %s (%d slots, collect %v), over the limit less the reserve", formatBytes(limit), formatBytes(held), slots, collect)
		}
	}
}

func TestGCPercentSelection(t *testing.T) {
	tests := []struct {
		name        string
		gogc        string
		limit       int64
		wantPercent int
		wantSource  string
		wantSet     bool
		wantText    string
	}{
		{"default under the default limit", "", defaultMemoryLimit, defaultGCPercent, gcFromDefault, true, "400"},
		{"default under a larger limit", "", 1 << 30, defaultGCPercent, gcFromDefault, true, "400"},
		{"GOGC wins", "150", defaultMemoryLimit, 0, gcFromGOGC, false, "150"},
		{"GOGC off wins", "off", defaultMemoryLimit, 0, gcFromGOGC, false, "off"},
		{"no limit: the runtime's", "", noMemoryLimit, 0, gcFromRuntime, false, "100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == "GOGC" {
					return tt.gogc
				}
				return ""
			}
			gc := chooseGCPercent(tt.limit, getenv)
			if gc.percent != tt.wantPercent || gc.source != tt.wantSource || (gc.percent != 0) != tt.wantSet {
				t.Errorf("chooseGCPercent = %d, %q (set %v); want %d, %q, %v", gc.percent, gc.source, gc.percent != 0, tt.wantPercent, tt.wantSource, tt.wantSet)
			}
			if gc.text != tt.wantText {
				t.Errorf("GC percent text = %q, want %q", gc.text, tt.wantText)
			}
		})
	}
}
