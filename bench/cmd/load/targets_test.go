package main

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestTargetsRoundTrip(t *testing.T) {
	in := []*tenant{
		{id: "t1", tokens: []string{"a.b.c", "d.e.f"}, projects: []string{"p1", "p2"}, session: "s1"},
		{id: "t2", tokens: []string{"g.h.i"}},
	}
	var buf bytes.Buffer
	if err := writeTargets(&buf, in); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), targetsHeader+"\nt1\ta.b.c,d.e.f\tp1,p2\ts1\nt2\tg.h.i\t-\t-\n"; got != want {
		t.Errorf("writeTargets: got %q, want %q", got, want)
	}
	out, err := readTargets(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("readTargets: got %+v %+v, want %+v %+v", out[0], out[1], in[0], in[1])
	}
}

func TestWriteTargetsRefuses(t *testing.T) {
	tests := []struct {
		name string
		t    *tenant
	}{
		{"no id", &tenant{tokens: []string{"x"}}},
		{"no token", &tenant{id: "t"}},
		{"tab in token", &tenant{id: "t", tokens: []string{"a\tb"}}},
		{"comma in project", &tenant{id: "t", tokens: []string{"x"}, projects: []string{"a,b"}}},
	}
	for _, tt := range tests {
		if err := writeTargets(&bytes.Buffer{}, []*tenant{tt.t}); err == nil {
			t.Errorf("%s: got no error, want one", tt.name)
		}
	}
}

func TestReadTargetsErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "no tenant"},
		{"only comments", "# x\n\n", "no tenant"},
		{"three fields", "t1\ttok\tp1\n", "line 1"},
		{"no token", "# h\nt1\t\tp1\ts\n", "line 2"},
	}
	for _, tt := range tests {
		_, err := readTargets(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}
