package tenantry_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestNewIDIsTimeOrderedUUIDv7(t *testing.T) {
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = tenantry.NewID()
		if got, ok := tenantry.ParseID(ids[i]); !ok || got != ids[i] {
			t.Fatalf("ParseID(%q) = %q, %v; want itself, true", ids[i], got, ok)
		}
		if got, want := ids[i][14], byte('7'); got != want {
			t.Fatalf("version nibble of %q = %c, want %c", ids[i], got, want)
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"01890a5d-ac96-774b-bcce-b302099a8057", "01890a5d-ac96-774b-bcce-b302099a8057", true},
		{"01890A5D-AC96-774B-BCCE-B302099A8057", "01890a5d-ac96-774b-bcce-b302099a8057", true},
		{"01890a5d-ac96-774b-bcce-b302099a805", "", false},
		{"01890a5d-ac96-774b-bcce-b302099a805g", "", false},
		{"01890a5dac96-774b-bcce-b302099a80571", "", false},
		{"'; drop table tenants; --xxxxxxxxxxxx", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := tenantry.ParseID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestParseIDCanonicalAllocatesNothing: the form the server hands out comes
// back as it is, on every request that names an id.
func TestParseIDCanonicalAllocatesNothing(t *testing.T) {
	id := tenantry.NewID()
	if n := testing.AllocsPerRun(100, func() { tenantry.ParseID(id) }); n != 0 {
		t.Errorf("ParseID(canonical): got %v allocations, want 0", n)
	}
}

func FuzzParseID(f *testing.F) {
	f.Add("01890a5d-ac96-774b-bcce-b302099a8057")
	f.Add("'; select 1; --")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := tenantry.ParseID(s)
		if !ok {
			return
		}
		for _, c := range []byte(got) {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == '-') {
				t.Fatalf("ParseID(%q) = %q has byte %q", s, got, c)
			}
		}
		if again, ok := tenantry.ParseID(got); !ok || again != got {
			t.Fatalf("ParseID not idempotent: %q -> %q", got, again)
		}
	})
}

func TestPageNormalize(t *testing.T) {
	id := tenantry.NewID()
	tests := []struct {
		in        tenantry.Page
		wantLimit int
		wantAfter string
		wantCode  string
	}{
		{tenantry.Page{}, 50, "", ""},
		{tenantry.Page{Limit: 500}, 200, "", ""},
		{tenantry.Page{Limit: 7, Cursor: tenantry.Cursor(id)}, 7, id, ""},
		{tenantry.Page{Cursor: "!!"}, 0, "", tenantry.EBADREQUEST},
		{tenantry.Page{Cursor: tenantry.Cursor("not-an-id")}, 0, "", tenantry.EBADREQUEST},
	}
	for _, tt := range tests {
		limit, after, err := tt.in.Normalize()
		if limit != tt.wantLimit || after != tt.wantAfter || tenantry.ErrorCode(err) != tt.wantCode {
			t.Errorf("%+v.Normalize() = %d, %q, %v; want %d, %q, code %q", tt.in, limit, after, err, tt.wantLimit, tt.wantAfter, tt.wantCode)
		}
	}
}

func TestNewIDSortsInCreationOrder(t *testing.T) {
	// Ids made back to back, as a store does for several rows of one
	// transaction, must sort in the order they were made.
	for round := 0; round < 200; round++ {
		prev := tenantry.NewID()
		for i := 0; i < 5; i++ {
			next := tenantry.NewID()
			if next <= prev {
				t.Fatalf("round %d: NewID() = %s after %s, want it to sort later", round, next, prev)
			}
			prev = next
		}
	}
}
