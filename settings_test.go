package tenantry_test

import (
	"encoding/json"
	"reflect"
	"strings"
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

// nested returns a settings body whose custom object nests n levels below
// the top (the whole body is n+1 levels deep).
func nested(n int) string {
	return `{"custom":` + strings.Repeat(`{"a":`, n-1) + `{}` + strings.Repeat(`}`, n-1) + `}`
}

func TestSettingsCheckPatch(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		who        tenantry.SettingsBy
		wantFields []string // nil: accepted
	}{
		{"empty", `{}`, tenantry.ByTenant, nil},
		{"tenant keys", `{"welcome":"hi","model":"m","system_prompt":"p","cors_origins":["https://a.example"],"custom":{"x":[1,{"y":true}]}}`, tenantry.ByTenant, nil},
		{"cors origins as a string", `{"cors_origins":"https://a.example,https://b.example"}`, tenantry.ByTenant, nil},
		{"null removes", `{"welcome":null,"custom":null}`, tenantry.ByTenant, nil},
		{"unknown key", `{"welcome":"hi","theme":"dark"}`, tenantry.ByTenant, []string{"theme"}},
		{"max_projects", `{"max_projects":-1}`, tenantry.ByTenant, []string{"max_projects"}},
		{"max_members", `{"max_members":-1}`, tenantry.ByTenant, []string{"max_members"}},
		{"requests_per_second", `{"requests_per_second":-1}`, tenantry.ByTenant, []string{"requests_per_second"}},
		{"max_in_flight", `{"max_in_flight":-1}`, tenantry.ByTenant, []string{"max_in_flight"}},
		{"chat_per_10s", `{"chat_per_10s":-1}`, tenantry.ByTenant, []string{"chat_per_10s"}},
		{"limit removed by null", `{"max_projects":null}`, tenantry.ByTenant, []string{"max_projects"}},
		{"provider by tenant", `{"provider":"openai"}`, tenantry.ByTenant, []string{"provider"}},
		{"base url by tenant", `{"openai_base_url":"https://evil.example"}`, tenantry.ByTenant, []string{"openai_base_url"}},
		{"key env by tenant", `{"openai_api_key_env":"TENANTRY_TENANT_KEY_X"}`, tenantry.ByTenant, []string{"openai_api_key_env"}},
		{"platform key removed by tenant", `{"provider":null}`, tenantry.ByTenant, []string{"provider"}},
		{"platform keys by platform", `{"provider":"openai","openai_base_url":"https://llm.example","openai_api_key_env":"TENANTRY_TENANT_KEY_X"}`, tenantry.ByPlatform, nil},
		{"limit by platform", `{"max_projects":5}`, tenantry.ByPlatform, []string{"max_projects"}},
		{"unknown by platform", `{"theme":1}`, tenantry.ByPlatform, []string{"theme"}},
		{"welcome not a string", `{"welcome":5}`, tenantry.ByTenant, []string{"welcome"}},
		{"custom not an object", `{"custom":[1]}`, tenantry.ByTenant, []string{"custom"}},
		{"origins not strings", `{"cors_origins":[1]}`, tenantry.ByTenant, []string{"cors_origins"}},
		{"8 levels", nested(7), tenantry.ByTenant, nil},
		{"9 levels", nested(8), tenantry.ByTenant, []string{"settings"}},
		{"9000 levels", nested(8999), tenantry.ByTenant, []string{"settings"}},
		{"deep array", `{"custom":{"a":[[[[[[[1]]]]]]]}}`, tenantry.ByTenant, []string{"settings"}},
		{"too large", `{"custom":{"big":"` + strings.Repeat("x", tenantry.MaxSettingsSize) + `"}}`, tenantry.ByTenant, []string{"settings"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := decodeSettings(t, tt.in).CheckPatch(tt.who, "")
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("CheckPatch(%.80s) = %v, want nil", tt.in, err)
				}
				return
			}
			e, ok := err.(*tenantry.Error)
			if !ok || e.Code != tenantry.EINVALID {
				t.Fatalf("CheckPatch(%.80s) = %v, want validation_failed", tt.in, err)
			}
			if len(e.Fields) != len(tt.wantFields) {
				t.Errorf("fields = %v, want exactly %v", e.Fields, tt.wantFields)
			}
			for _, f := range tt.wantFields {
				if _, ok := e.Fields[f]; !ok {
					t.Errorf("fields = %v, want %q", e.Fields, f)
				}
			}
		})
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		in      string
		wantBad bool
	}{
		{`{}`, false},
		{`{"welcome":"hi","provider":"openai"}`, false},
		{`{"max_projects":-1}`, true},
		{`{"theme":"dark"}`, true},
		{`{"welcome":null}`, true},
		{nested(7), false},
		{nested(8), true},
		{`{"public_assistant":true}`, false},
		{`{"public_assistant":false}`, false},
		{`{"public_assistant":"yes"}`, true},
		{`{"public_assistant":1}`, true},
	}
	for _, tt := range tests {
		if got := decodeSettings(t, tt.in).Validate(); (got != "") != tt.wantBad {
			t.Errorf("Validate(%.60s) = %q, want bad=%v", tt.in, got, tt.wantBad)
		}
	}
}

func TestSettingsForRole(t *testing.T) {
	s := tenantry.Settings{"welcome": "hi", "provider": "openai", "openai_base_url": "https://llm.example", "openai_api_key_env": "TENANTRY_TENANT_KEY_A"}
	tests := []struct {
		role tenantry.Role
		want tenantry.Settings
	}{
		{tenantry.RoleOwner, s},
		{tenantry.RoleAdmin, s},
		{tenantry.RoleMember, tenantry.Settings{"welcome": "hi"}},
		{"", tenantry.Settings{"welcome": "hi"}},
	}
	for _, tt := range tests {
		if got := s.ForRole(tt.role); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ForRole(%q) = %v, want %v", tt.role, got, tt.want)
		}
	}
	if len(s) != 4 {
		t.Errorf("ForRole modified its receiver: %v", s)
	}
	tn := &tenantry.Tenant{Settings: s}
	if got := tn.ForRole(tenantry.RoleMember).Settings; !reflect.DeepEqual(got, tenantry.Settings{"welcome": "hi"}) {
		t.Errorf("Tenant.ForRole(member).Settings = %v, want only welcome", got)
	}
}

func TestJSONTooDeep(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want bool
	}{
		{`{}`, 1, false},
		{`{"a":{}}`, 1, true},
		{`{"a":{}}`, 2, false},
		{`{"a":"{{{{{{"}`, 1, false},
		{`{"a":[[1]],"b":{}}`, 3, false},
		{`{"a":[[1]],"b":{}}`, 2, true},
		{nested(7), 8, false},
		{nested(8), 8, true},
		{nested(8999), 8, true},
		{strings.Repeat("[", 9000), 8, true},
		{`{"a":`, 8, false},
		{`not json`, 8, false},
	}
	for _, tt := range tests {
		if got := tenantry.JSONTooDeep([]byte(tt.in), tt.max); got != tt.want {
			t.Errorf("JSONTooDeep(%.40s, %d) = %v, want %v", tt.in, tt.max, got, tt.want)
		}
	}
}

// FuzzJSONTooDeep checks JSONTooDeep against the depth of the decoded
// value for every valid JSON object.
func FuzzJSONTooDeep(f *testing.F) {
	f.Add(`{"a":{"b":[1,{"c":null}]}}`, 3)
	f.Add(nested(8), 8)
	f.Add(`{"s":"}]{["}`, 1)
	f.Fuzz(func(t *testing.T, in string, max int) {
		if max < 0 || max > 64 {
			return
		}
		var v any
		if json.Unmarshal([]byte(in), &v) != nil {
			return
		}
		want := depthOf(v) > max
		if got := tenantry.JSONTooDeep([]byte(in), max); got != want {
			t.Fatalf("JSONTooDeep(%q, %d) = %v, want %v", in, max, got, want)
		}
	})
}

// FuzzSettingsCheckPatch checks that a patch a tenant may apply names
// tenant keys only and stays within the bounds once merged.
func FuzzSettingsCheckPatch(f *testing.F) {
	f.Add(`{"welcome":"hi","custom":{"a":1}}`)
	f.Add(`{"max_projects":-1}`)
	f.Add(`{"provider":"x","custom":{"a":{"b":{"c":{}}}}}`)
	f.Fuzz(func(t *testing.T, in string) {
		var p tenantry.Settings
		if json.Unmarshal([]byte(in), &p) != nil || p == nil {
			return
		}
		if p.CheckPatch(tenantry.ByTenant, "") != nil {
			return
		}
		for k := range p {
			if !tenantry.IsTenantSetting(k) {
				t.Fatalf("accepted patch %s names %q", in, k)
			}
		}
		if msg := (tenantry.Settings{}).MergePatch(p).Validate(); msg != "" && !strings.Contains(msg, "large") {
			t.Fatalf("accepted patch %s merges into invalid settings: %s", in, msg)
		}
	})
}

// depthOf is the nesting depth of a decoded JSON value.
func depthOf(v any) int {
	max := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			max = maxInt(max, depthOf(e))
		}
	case []any:
		for _, e := range x {
			max = maxInt(max, depthOf(e))
		}
	default:
		return 0
	}
	return max + 1
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
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
