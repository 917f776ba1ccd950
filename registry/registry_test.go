package registry_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/registry"
)

const tutorial = `{"id":"acme","name":"Acme Corp","welcome":"Howdy from Acme!","model":"mock-1","limits":{"chat_per_10s":8}}
{"id":"globex","name":"Globex Inc.","welcome":"Welcome from Globex.","model":"mock-2","limits":{"chat_per_10s":4}}
{"id":"initech","name":"Initech","welcome":"Initech says hi.","model":"mock-3","limits":{"chat_per_10s":6}}
`

func TestParseTutorial(t *testing.T) {
	f, err := os.Open("../examples/tenants.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := registry.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []registry.Entry{
		{Line: 1, Slug: "acme", Name: "Acme Corp", Welcome: "Howdy from Acme!", Model: "mock-1", Limits: map[string]int64{"chat_per_10s": 8}},
		{Line: 2, Slug: "globex", Name: "Globex Inc.", Welcome: "Welcome from Globex.", Model: "mock-2", Limits: map[string]int64{"chat_per_10s": 4}},
		{Line: 3, Slug: "initech", Name: "Initech", Welcome: "Initech says hi.", Model: "mock-3", Limits: map[string]int64{"chat_per_10s": 6}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse = %+v\nwant %+v", got, want)
	}
	in, _ := registry.Parse(strings.NewReader(tutorial))
	if !reflect.DeepEqual(in, want) {
		t.Errorf("examples/tenants.jsonl differs from the tutorial's file")
	}
	s := got[0].TenantSettings()
	wantS := tenantry.Settings{"welcome": "Howdy from Acme!", "model": "mock-1"}
	if !reflect.DeepEqual(s, wantS) {
		t.Errorf("settings = %v, want %v", s, wantS)
	}
	if l, want := got[0].TenantLimits(), (tenantry.Limits{"chat_per_10s": 8}); !reflect.DeepEqual(l, want) {
		t.Errorf("limits = %v, want %v", l, want)
	}
}

func TestParseExtras(t *testing.T) {
	in := "\xef\xbb\xbf\n  \n" + `{"id":"Hooli","name":" Hooli ","plan":"pro","domain":"Chat.Hooli.com","provider":"openai","system_prompt":"Be kind.","settings":{"cors_origins":["https://hooli.com"],"custom":{"nested":{"a":1}}}}` + "\r\n\n"
	got, err := registry.Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("entries = %d, want 1", len(got))
	}
	e := got[0]
	if e.Line != 3 || e.Slug != "hooli" || e.Name != "Hooli" || e.Plan != "pro" || e.Domain != "chat.hooli.com" {
		t.Errorf("entry = %+v", e)
	}
	want := tenantry.Settings{
		"provider": "openai", "system_prompt": "Be kind.",
		"cors_origins": []any{"https://hooli.com"}, "custom": map[string]any{"nested": map[string]any{"a": float64(1)}},
	}
	if got := e.TenantSettings(); !reflect.DeepEqual(got, want) {
		t.Errorf("settings = %#v, want %#v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		lines map[string]string // field -> substring of the reason
	}{
		{"malformed json", `{"id":"acme","name":"A"` + "\n", map[string]string{"line 1": "malformed JSON"}},
		{"not an object", "[1,2]\n", map[string]string{"line 1": "JSON object"}},
		{"two values", `{"id":"acme","name":"A"} {}`, map[string]string{"line 1": "more than one"}},
		{"missing id and name", `{"welcome":"hi"}`, map[string]string{"line 1": "id is required, name is required"}},
		{"bad slug", `{"id":"Not Valid!","name":"A"}`, map[string]string{"line 1": "id must be"}},
		{"limit in settings", `{"id":"acme","name":"A","settings":{"max_projects":-1}}`, map[string]string{"line 1": "max_projects is a limit"}},
		{"unknown setting", `{"id":"acme","name":"A","settings":{"theme":"dark"}}`, map[string]string{"line 1": "theme unknown setting"}},
		{"reserved slug", `{"id":"admin","name":"A"}`, map[string]string{"line 1": "reserved"}},
		{"uuid slug", `{"id":"` + tenantry.NewID() + `","name":"A"}`, map[string]string{"line 1": "id must be"}},
		{"id not a string", `{"id":7,"name":"A"}`, map[string]string{"line 1": "id must be a string"}},
		{"unknown field", `{"id":"acme","name":"A","colour":"red"}`, map[string]string{"line 1": `unknown field "colour"`}},
		{"unknown limit", `{"id":"acme","name":"A","limits":{"chat_per_hour":3}}`, map[string]string{"line 1": "limits.chat_per_hour is not a known limit"}},
		{"fractional limit", `{"id":"acme","name":"A","limits":{"chat_per_10s":1.5}}`, map[string]string{"line 1": "whole number"}},
		{"negative limit", `{"id":"acme","name":"A","limits":{"chat_per_10s":-2}}`, map[string]string{"line 1": "whole number"}},
		{"string limit", `{"id":"acme","name":"A","limits":{"chat_per_10s":"8"}}`, map[string]string{"line 1": "whole number"}},
		{"bad settings limit", `{"id":"acme","name":"A","settings":{"max_projects":"lots"}}`, map[string]string{"line 1": "settings: max_projects"}},
		{"bad domain", `{"id":"acme","name":"A","domain":"localhost"}`, map[string]string{"line 1": "domain"}},
		{"duplicate", `{"id":"acme","name":"A"}` + "\n\n" + `{"id":"ACME","name":"B"}`, map[string]string{"line 3": `"acme" repeats line 1`}},
		{"empty file", "\n \n", nil},
		{"every bad line", `{"id":"acme","name":"A"}` + "\n" + `{"id":"x"}` + "\n\n" + `nope` + "\n" + `{"id":"ok","name":"B"}` + "\n" + `{"name":"C"}`,
			map[string]string{"line 2": "id must be", "line 4": "malformed JSON", "line 6": "id is required"}},
		{"too long line", `{"id":"acme","name":"A"}` + "\n" + `{"id":"big","name":"` + strings.Repeat("x", registry.MaxLineBytes) + `"}`,
			map[string]string{"line 2": "longer than"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := registry.Parse(strings.NewReader(tt.in))
			if got != nil {
				t.Errorf("entries = %v, want none", got)
			}
			var e *tenantry.Error
			if !errors.As(err, &e) || e.Code != tenantry.EINVALID {
				t.Fatalf("err = %v, want validation_failed", err)
			}
			if len(e.Fields) != len(tt.lines) {
				t.Errorf("fields = %v, want %d lines", e.Fields, len(tt.lines))
			}
			for field, want := range tt.lines {
				if !strings.Contains(e.Fields[field], want) {
					t.Errorf("fields[%q] = %q, want it to contain %q", field, e.Fields[field], want)
				}
				if !strings.Contains(e.Message, field+": ") {
					t.Errorf("message %q does not name %q", e.Message, field)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(tutorial)
	f.Add(`{"id":"hooli","name":"Hooli","settings":{"a":[1,{"b":null}]},"limits":{"max_projects":-1}}`)
	f.Add("{\"id\":\"a-b\",\"name\":\"x\"}\n\n{")
	f.Add(`{"id":"acme","name":"A","domain":"a.b.c:80"}`)
	f.Add(`{"id":"acme","name":"A","owner_email":"Ada@Example.com"}`)
	f.Fuzz(func(t *testing.T, in string) {
		entries, err := registry.Parse(strings.NewReader(in))
		if err != nil {
			if entries != nil {
				t.Fatalf("entries %v returned with error %v", entries, err)
			}
			if tenantry.ErrorCode(err) != tenantry.EINVALID {
				t.Fatalf("code = %q, want validation_failed (%v)", tenantry.ErrorCode(err), err)
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if !tenantry.ValidSlug(e.Slug) {
				t.Fatalf("accepted invalid slug %q", e.Slug)
			}
			if e.Name == "" || seen[e.Slug] {
				t.Fatalf("accepted entry %+v (empty name or duplicate)", e)
			}
			seen[e.Slug] = true
			if e.OwnerEmail != "" && (!tenantry.ValidEmail(e.OwnerEmail) || e.OwnerEmail != tenantry.NormalizeEmail(e.OwnerEmail)) {
				t.Fatalf("accepted owner_email %q", e.OwnerEmail)
			}
			if msg := e.TenantSettings().Validate(); msg != "" {
				t.Fatalf("accepted settings that do not validate: %s", msg)
			}
		}
	})
}
