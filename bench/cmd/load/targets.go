package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// targetsHeader is the first line of a targets file. The file is what the
// seed hands to wrk (bench/wrk/tenantry.lua) and to -pace clients: one line
// per tenant, four tab-separated fields.
const targetsHeader = "# tenant_id\taccess_tokens (comma-separated)\tproject_ids (comma-separated)\tchat_session_id (- if none)"

// writeTargets writes one line per tenant.
func writeTargets(w io.Writer, tenants []*tenant) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, targetsHeader)
	for _, t := range tenants {
		if t.id == "" || len(t.tokens) == 0 {
			return fmt.Errorf("tenant %q has no id or no token", t.id)
		}
		fields := append(append([]string{t.id, t.session}, t.tokens...), t.projects...)
		for _, f := range fields {
			if strings.ContainsAny(f, "\t\n\r, ") || f == "-" {
				return fmt.Errorf("tenant %s: value %q has a tab, comma, space or newline, or is -", t.id, f)
			}
		}
		projects, session := strings.Join(t.projects, ","), t.session
		if projects == "" {
			projects = "-"
		}
		if session == "" {
			session = "-"
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\n", t.id, strings.Join(t.tokens, ","), projects, session)
	}
	return bw.Flush()
}

// saveTargets writes tenants to the file name, or to a new temporary file
// (pattern as in os.CreateTemp) when name is empty. It returns the file's
// name and the function that removes it if it is temporary.
func saveTargets(name, pattern string, tenants []*tenant) (string, func(), error) {
	cleanup := func() {}
	if name == "" {
		f, err := os.CreateTemp("", pattern)
		if err != nil {
			return "", nil, err
		}
		f.Close()
		name = f.Name()
		cleanup = func() { os.Remove(f.Name()) }
	}
	if err := writeTargetsFile(name, tenants); err != nil {
		cleanup()
		return "", nil, err
	}
	return name, cleanup, nil
}

// writeTargetsFile writes tenants to the file name (mode 0600: it holds
// access tokens).
func writeTargetsFile(name string, tenants []*tenant) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := writeTargets(f, tenants); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readTargets parses what writeTargets wrote; comment and blank lines are
// skipped.
func readTargets(r io.Reader) ([]*tenant, error) {
	var out []*tenant
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || f[0] == "" || f[1] == "" {
			return nil, fmt.Errorf("targets line %d: want 4 tab-separated fields with a tenant and a token, got %q", n, line)
		}
		t := &tenant{id: f[0], tokens: strings.Split(f[1], ",")}
		if f[2] != "-" {
			t.projects = strings.Split(f[2], ",")
		}
		if f[3] != "-" {
			t.session = f[3]
		}
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("targets: no tenant")
	}
	return out, nil
}

// readTargetsFile reads the targets file name.
func readTargetsFile(name string) ([]*tenant, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readTargets(f)
}
