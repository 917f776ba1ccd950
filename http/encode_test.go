package http

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	tests := []string{
		"",
		"plain text",
		`quote " and backslash \`,
		"controls \x00\x01\x07\b\t\n\v\f\r\x1b\x1f end",
		"<script>alert('x') && 1 > 0</script>",
		"line\u2028separator\u2029paragraph",
		"invalid \xff byte",
		"truncated \xe2\x80",
		"é, 中文, 🎉",
		"\x7f delete",
	}
	for _, s := range tests {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q): got %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "<&>", "\u2028", "\xff\xfe", "\x00\x1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q): got %s, want %s", s, got, want)
		}
	})
}

// FuzzProjectBodies checks that the hand-written encoders write exactly
// the bytes encoding/json writes for the same project and page.
func FuzzProjectBodies(f *testing.F) {
	f.Add("0190aaaa-0000-7000-8000-000000000001", "Website", "<b>new</b>", true, int64(1_795_000_000), int64(123_456_000), "cursor")
	f.Add("", "", "", false, int64(0), int64(0), "")
	f.Add("x", "\u2028", "\xff", true, int64(-62135596800), int64(999_999_999), "a\"b")
	f.Fuzz(func(t *testing.T, id, name, desc string, active bool, sec, nsec int64, next string) {
		// Stored times are within the years MarshalJSON accepts.
		sec = min(max(sec, -62135596800), 253402300799)
		at := time.Unix(sec, nsec%1_000_000_000).UTC()
		p := &tenantry.Project{ID: id, TenantID: "tenant-" + id, Name: name, Description: desc,
			IsActive: active, CreatedAt: at, UpdatedAt: at.Add(time.Duration(nsec) % time.Hour)}
		if p.UpdatedAt.Year() > 9999 {
			p.UpdatedAt = at
		}

		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := (projectBody{p}).appendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("project:\n got %s\nwant %s", got, want)
		}

		for _, items := range [][]*tenantry.Project{nil, {p}, {p, p}} {
			want, err := json.Marshal(newList(items, next))
			if err != nil {
				t.Fatal(err)
			}
			if got := (projectListBody{items, next}).appendJSON(nil); !bytes.Equal(got, want) {
				t.Errorf("page of %d:\n got %s\nwant %s", len(items), got, want)
			}
		}
	})
}
