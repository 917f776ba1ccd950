package tenantry_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tenantry/tenantry"
)

func decodeSettings(t testing.TB, s string) tenantry.Settings {
	t.Helper()
	var v tenantry.Settings
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

// TestMergePatchRFC7386 runs the object examples of RFC 7386, Appendix A.
func TestMergePatchRFC7386(t *testing.T) {
	tests := []struct{ target, patch, want string }{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`{"e":null}`, `{"a":1}`, `{"e":null,"a":1}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
		{`{"a":"foo"}`, `{}`, `{"a":"foo"}`},
	}
	for _, tt := range tests {
		target := decodeSettings(t, tt.target)
		before := decodeSettings(t, tt.target)
		got := target.MergePatch(decodeSettings(t, tt.patch))
		if want := decodeSettings(t, tt.want); !reflect.DeepEqual(got, want) {
			t.Errorf("MergePatch(%s, %s) = %v, want %v", tt.target, tt.patch, got, want)
		}
		if !reflect.DeepEqual(target, before) {
			t.Errorf("MergePatch modified its receiver: %v, was %v", target, before)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		in      string
		wantBad bool
	}{
		{`{}`, false},
		{`{"welcome":"hi","requests_per_second":2}`, false},
		{`{"max_projects":-1}`, false},
		{`{"max_projects":-2}`, true},
		{`{"max_projects":1.5}`, true},
		{`{"max_projects":"10"}`, true},
		{`{"chat_per_10s":true}`, true},
		{`{"public_assistant":true}`, false},
		{`{"public_assistant":false}`, false},
		{`{"public_assistant":"yes"}`, true},
		{`{"public_assistant":1}`, true},
	}
	for _, tt := range tests {
		if got := decodeSettings(t, tt.in).Validate(); (got != "") != tt.wantBad {
			t.Errorf("Validate(%s) = %q, want bad=%v", tt.in, got, tt.wantBad)
		}
	}
}

func FuzzMergePatch(f *testing.F) {
	f.Add(`{"a":{"b":1}}`, `{"a":{"b":null,"c":[1]}}`)
	f.Add(`{}`, `{"x":null}`)
	f.Fuzz(func(t *testing.T, target, patch string) {
		var a, b tenantry.Settings
		if json.Unmarshal([]byte(target), &a) != nil || json.Unmarshal([]byte(patch), &b) != nil {
			return
		}
		got := a.MergePatch(b)
		// Applying the same patch twice changes nothing more (idempotence).
		if again := got.MergePatch(b); !reflect.DeepEqual(again, got) {
			t.Fatalf("MergePatch not idempotent: %v then %v", got, again)
		}
		for k, v := range b {
			if _, present := got[k]; v == nil && present {
				t.Fatalf("key %q patched with null is still present", k)
			}
		}
	})
}
