package tenantry_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tenantry/tenantry"
)

func TestValidText(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"plain", true},
		{"Zürich – 東京 🚀", true},
		{"\uFFFD", true},
		{"a\x00b", false},
		{"\x00", false},
		{"\xff", false},
		{"\xc0\xae", false},
		{"ok\xed\xa0\x80", false}, // a UTF-16 surrogate
	}
	for _, tt := range tests {
		if got := tenantry.ValidText(tt.in); got != tt.want {
			t.Errorf("ValidText(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzValidText checks ValidText against its definition, and that the
// query and form checks agree with it.
func FuzzValidText(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x00b", "\xff", "\xc0\xae\xc0\xae", "東京", "\uFFFD", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := utf8.ValidString(s) && !strings.ContainsRune(s, 0)
		if got := tenantry.ValidText(s); got != want {
			t.Fatalf("ValidText(%q): got %v, want %v", s, got, want)
		}
		q := url.Values{"q": {s}}
		if got := tenantry.ValidQuery(q) == nil; got != want {
			t.Fatalf("ValidQuery(q=%q): got ok %v, want %v", s, got, want)
		}
		if err := tenantry.ValidQuery(q); err != nil && !tenantry.IsCode(err, tenantry.EBADREQUEST) {
			t.Fatalf("ValidQuery(q=%q): got code %s, want bad_request", s, tenantry.ErrorCode(err))
		}
		if err := tenantry.ValidForm(url.Values{"name": {s}}); (err == nil) != want {
			t.Fatalf("ValidForm(name=%q): got %v, want ok %v", s, err, want)
		}
		fields := map[string]string{}
		if got := tenantry.CheckText(fields, "f", s); got != want || (len(fields) == 0) != want {
			t.Fatalf("CheckText(%q): got %v with fields %v, want %v", s, got, fields, want)
		}
	})
}

func TestValidQuery(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string // "" for no error, else a word the message must hold
	}{
		{"none", "", ""},
		{"plain", "q=acme&limit=10", ""},
		{"unicode", "q=%E6%9D%B1%E4%BA%AC", ""},
		{"NUL value", "q=a%00", "q parameter"},
		{"invalid value", "action=%ff", "action parameter"},
		{"overlong", "q=ok&q=%c0%ae", "q parameter"},
		{"bad name", "%ff=1", "parameter name"},
		{"first in order", "z=%00&a=%ff", "a parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			err := tenantry.ValidQuery(q)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ValidQuery(%s): got %v, want nil", tt.query, err)
				}
				return
			}
			if !tenantry.IsCode(err, tenantry.EBADREQUEST) || !strings.Contains(tenantry.ErrorMessage(err), tt.want) {
				t.Fatalf("ValidQuery(%s): got %v, want bad_request naming %q", tt.query, err, tt.want)
			}
		})
	}
}

// TestValidateText checks that every domain Validate refuses NUL and
// invalid UTF-8 in each of its text fields, naming the field.
func TestValidateText(t *testing.T) {
	plans := tenantry.DefaultPlans()
	str := func(s string) *string { return &s }
	tests := []struct {
		name  string
		check func(bad string) error
		field string
	}{
		{"tenant name", func(b string) error { tc := tenantry.TenantCreate{Name: b, Slug: "acme"}; return tc.Validate(plans) }, "name"},
		{"tenant slug", func(b string) error { tc := tenantry.TenantCreate{Name: "A", Slug: b}; return tc.Validate(plans) }, "slug"},
		{"tenant domain", func(b string) error {
			tc := tenantry.TenantCreate{Name: "A", Slug: "acme", Domain: "x" + b + ".example.com"}
			return tc.Validate(plans)
		}, "domain"},
		{"tenant plan", func(b string) error {
			tc := tenantry.TenantCreate{Name: "A", Slug: "acme", Plan: b}
			return tc.Validate(plans)
		}, "plan"},
		{"tenant settings value", func(b string) error {
			tc := tenantry.TenantCreate{Name: "A", Slug: "acme", Settings: tenantry.Settings{"welcome": b}}
			return tc.Validate(plans)
		}, "settings"},
		{"tenant settings key", func(b string) error {
			tc := tenantry.TenantCreate{Name: "A", Slug: "acme", Settings: tenantry.Settings{b: 1}}
			return tc.Validate(plans)
		}, "settings"},
		{"tenant settings deep", func(b string) error {
			tc := tenantry.TenantCreate{Name: "A", Slug: "acme", Settings: tenantry.Settings{"a": map[string]any{"b": []any{1, map[string]any{"c": b}}}}}
			return tc.Validate(plans)
		}, "settings"},
		{"tenant rename", func(b string) error { tu := tenantry.TenantUpdate{Name: str(b)}; return tu.Validate(plans) }, "name"},
		{"tenant new domain", func(b string) error {
			tu := tenantry.TenantUpdate{Domain: str(b + ".example.com")}
			return tu.Validate(plans)
		}, "domain"},
		{"tenant new plan", func(b string) error { tu := tenantry.TenantUpdate{Plan: str(b)}; return tu.Validate(plans) }, "plan"},
		{"tenant settings patch", func(b string) error {
			tu := tenantry.TenantUpdate{SettingsPatch: tenantry.Settings{"x": b}}
			return tu.Validate(plans)
		}, "settings"},
		{"project name", func(b string) error { pc := tenantry.ProjectCreate{Name: b}; return pc.Validate() }, "name"},
		{"project description", func(b string) error { pc := tenantry.ProjectCreate{Name: "P", Description: b}; return pc.Validate() }, "description"},
		{"project rename", func(b string) error { pu := tenantry.ProjectUpdate{Name: str(b)}; return pu.Validate() }, "name"},
		{"project new description", func(b string) error { pu := tenantry.ProjectUpdate{Description: str(b)}; return pu.Validate() }, "description"},
		{"task title", func(b string) error { tc := tenantry.TaskCreate{ProjectID: "p", Title: b}; return tc.Validate() }, "title"},
		{"task retitle", func(b string) error { tu := tenantry.TaskUpdate{Title: str(b)}; return tu.Validate() }, "title"},
		{"user email", func(b string) error {
			uc := tenantry.UserCreate{Email: "u" + b + "@example.com", Name: "U", Password: "long enough"}
			return uc.Validate()
		}, "email"},
		{"user name", func(b string) error {
			uc := tenantry.UserCreate{Email: "u@example.com", Name: b, Password: "long enough"}
			return uc.Validate()
		}, "name"},
	}
	for _, tt := range tests {
		for _, bad := range []string{"a\x00b", "a\xffb", "\xc0\xae"} {
			t.Run(tt.name+"/"+url.QueryEscape(bad), func(t *testing.T) {
				err := tt.check(bad)
				var e *tenantry.Error
				if !tenantry.IsCode(err, tenantry.EINVALID) {
					t.Fatalf("got %v, want validation_failed", err)
				}
				if e = err.(*tenantry.Error); e.Fields[tt.field] == "" {
					t.Errorf("got fields %v, want one named %q", e.Fields, tt.field)
				}
			})
		}
	}
}

func TestValidEmailText(t *testing.T) {
	for _, s := range []string{"a\x00@example.com", "a\xff@example.com", "\xc0\xae@example.com"} {
		if tenantry.ValidEmail(tenantry.NormalizeEmail(s)) {
			t.Errorf("ValidEmail(NormalizeEmail(%q)): got true, want false", s)
		}
	}
}

func TestExportRecordValidText(t *testing.T) {
	tests := []struct {
		data string
		want bool
	}{
		{`{"name":"plain"}`, true},
		{`{"name":"\\u0000 is only text"}`, true},
		{`{"name":"a\u0000"}`, false},
		{`{"k\u0000":1}`, false},
		{`{"deep":[{"x":"\u0000"}]}`, false},
		{"{\"name\":\"\xff\"}", false},
		{`not json`, true},
	}
	for _, tt := range tests {
		rec := tenantry.ExportRecord{Type: tenantry.ExportProject, Data: []byte(tt.data)}
		if got := rec.ValidText(); got != tt.want {
			t.Errorf("ValidText(%s): got %v, want %v", tt.data, got, tt.want)
		}
	}
}
