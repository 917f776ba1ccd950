package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func TestNumbered(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE tenant_id = $1 AND id = $2", "SELECT * FROM t WHERE tenant_id = ?1 AND id = ?2"},
		{"SELECT $2, $1, $1", "SELECT ?2, ?1, ?1"},
		{"SELECT $10", "SELECT ?10"},
		{"SELECT '$1', $1", "SELECT '$1', ?1"},
		{"SELECT 'it''s $1', $2", "SELECT 'it''s $1', ?2"},
		{`SELECT "col$1", $1`, `SELECT "col$1", ?1`},
		{"SELECT [a$1], `b$2`, $3", "SELECT [a$1], `b$2`, ?3"},
		{"SELECT $1 -- $2\n, $3", "SELECT ?1 -- $2\n, ?3"},
		{"SELECT /* $1 */ $2", "SELECT /* $1 */ ?2"},
		{"SELECT $a, $", "SELECT $a, $"},
		{"SELECT '$1", "SELECT '$1"},
		{"SELECT /* $1", "SELECT /* $1"},
	}
	for _, tt := range tests {
		if got := numbered(tt.in); got != tt.want {
			t.Errorf("numbered(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNumberedBindsOnSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var a, b, c string
	err = db.QueryRowContext(context.Background(), numbered("SELECT $2, $1, $2 || '$1'"), "one", "two").Scan(&a, &b, &c)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a+","+b+","+c, "two,one,two$1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func BenchmarkNumbered(b *testing.B) {
	q := "SELECT id, name FROM invoices WHERE tenant_id = $1 AND number = $2"
	b.ReportAllocs()
	for b.Loop() {
		numbered(q)
	}
}

// FuzzNumbered checks that the rewrite keeps the length, changes only '$'
// into '?', and is idempotent.
func FuzzNumbered(f *testing.F) {
	for _, s := range []string{"SELECT $1", "'$1' $2", `"$1" -- $2` + "\n$3", "/* $1 */ $2", "[$1]", "'", "$", "$$1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := numbered(q)
		if len(got) != len(q) {
			t.Fatalf("numbered(%q) = %q: length %d, want %d", q, got, len(got), len(q))
		}
		for i := 0; i < len(q); i++ {
			if got[i] != q[i] && !(q[i] == '$' && got[i] == '?') {
				t.Fatalf("numbered(%q) = %q: byte %d changed from %q to %q", q, got, i, q[i], got[i])
			}
		}
		if again := numbered(got); again != got {
			t.Fatalf("numbered is not idempotent on %q: %q then %q", q, got, again)
		}
		if !strings.Contains(q, "$") && got != q {
			t.Fatalf("numbered(%q) = %q, want it unchanged", q, got)
		}
	})
}
