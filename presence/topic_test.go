package presence_test

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/presence"
)

func TestParseTopic(t *testing.T) {
	id := tenantry.NewID()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"projects", "projects", true},
		{"project:" + id, "project:" + id, true},
		{"project:" + strings.ToUpper(id), "project:" + id, true},
		{"api_key:" + id, "api_key:" + id, true},
		{presence.StreamsTopic, "", false},
		{"Project", "", false},
		{"project:", "", false},
		{"project:1", "", false},
		{":" + id, "", false},
		{"project:" + id + ":x", "", false},
		{"pro ject", "", false},
		{"project\x00", "", false},
		{strings.Repeat("a", 41), "", false},
		{strings.Repeat("a", 101), "", false},
	}
	for _, tt := range tests {
		got, err := presence.ParseTopic(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseTopic(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && tenantry.ErrorCode(err) != tenantry.EINVALID {
			t.Errorf("ParseTopic(%q): error code %q, want validation_failed", tt.in, tenantry.ErrorCode(err))
		}
	}
}

func FuzzParseTopic(f *testing.F) {
	for _, s := range []string{"", "projects", "project:" + tenantry.NewID(), "~streams", "a:b:c", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := presence.ParseTopic(s)
		if err != nil {
			if got != "" {
				t.Fatalf("ParseTopic(%q): %q with an error", s, got)
			}
			return
		}
		if len(got) > presence.MaxTopicLength || got == presence.StreamsTopic {
			t.Fatalf("ParseTopic(%q) = %q: too long or reserved", s, got)
		}
		again, err := presence.ParseTopic(got)
		if err != nil || again != got {
			t.Fatalf("ParseTopic(%q) = %q, which parses as %q, %v", s, got, again, err)
		}
	})
}
