package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ProcStatus is a process's memory, from /proc/PID/status.
type ProcStatus struct {
	PID int `json:"pid"`
	// VmHWMKiB is the peak resident set size.
	VmHWMKiB int64 `json:"vm_hwm_kib"`
	// VmRSSKiB is the resident set size when read.
	VmRSSKiB int64 `json:"vm_rss_kib"`
}

// readProcStatus reads pid's memory; nil when it cannot (not Linux, gone).
func readProcStatus(pid int) *ProcStatus {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil
	}
	defer f.Close()
	ps := &ProcStatus{PID: pid}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kib := parseKiB(value)
		switch name {
		case "VmHWM":
			ps.VmHWMKiB = kib
		case "VmRSS":
			ps.VmRSSKiB = kib
		}
	}
	return ps
}

// parseKiB parses a /proc/PID/status value like "  12345 kB".
func parseKiB(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(s), " kB"), 10, 64)
	return n
}

// loadAvg returns the one-minute load average, 0 when unknown.
func loadAvg() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
