package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

type label string

// TestReadScan pins the conversions of the readers' Scan to what
// database/sql gives for the same columns: the values tenantry.Tx
// documents, pointers to pointers for NULL, named types and Scanners.
func TestReadScan(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "scan", "pro", "")
	at := time.Date(2026, 12, 2, 7, 5, 26, 123456000, time.UTC)
	const row = `SELECT 'text', 42, 42, 1, 0, 2.5, X'00FF', $1, NULL, '7', 'named', 'nullable', NULL`
	var (
		s        string
		n        int64
		i        int
		yes, no  bool
		f        float64
		b        []byte
		tm       time.Time
		nullTime *time.Time
		fromText int32
		named    label
		ns       sql.NullString
		anyNull  any
	)
	err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
		return tx.QueryRow(t.Context(), row, at).Scan(&s, &n, &i, &yes, &no, &f, &b, &tm, &nullTime, &fromText, &named, &ns, &anyNull)
	})
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		S        string
		N        int64
		I        int
		Yes, No  bool
		F        float64
		B        string
		T        time.Time
		NullTime *time.Time
		FromText int32
		Named    label
		NS       sql.NullString
		Any      any
	}
	g := got{s, n, i, yes, no, f, string(b), tm, nullTime, fromText, named, ns, anyNull}
	want := got{"text", 42, 42, true, false, 2.5, "\x00\xff", at, nil, 7, "named", sql.NullString{String: "nullable", Valid: true}, nil}
	if g != want {
		t.Errorf("got  %+v\nwant %+v", g, want)
	}
	var ptr *string
	if err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
		return tx.QueryRow(t.Context(), `SELECT 'set'`).Scan(&ptr)
	}); err != nil || ptr == nil || *ptr != "set" {
		t.Errorf("**string: got %v, %v; want set", ptr, err)
	}
}

// TestReadErrors pins the readers' refusals: no row, NULL into a string,
// a write, a bool out of range, and a done context.
func TestReadErrors(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "errors", "pro", "")
	tests := []struct {
		name     string
		fn       func(tx tenantry.Tx) error
		wantCode string
	}{
		{"no row", func(tx tenantry.Tx) error {
			var s string
			return tx.QueryRow(t.Context(), `SELECT name FROM tenants WHERE id = $1`, tenantry.NewID()).Scan(&s)
		}, tenantry.ENOTFOUND},
		{"NULL into a string", func(tx tenantry.Tx) error {
			var s string
			return tx.QueryRow(t.Context(), `SELECT NULL`).Scan(&s)
		}, tenantry.EINTERNAL},
		{"a write", func(tx tenantry.Tx) error {
			_, err := tx.Exec(t.Context(), `UPDATE tenants SET name = 'x' WHERE id = $1`, tx.TenantID())
			return err
		}, tenantry.EINTERNAL},
		{"2 into a bool", func(tx tenantry.Tx) error {
			var b bool
			return tx.QueryRow(t.Context(), `SELECT 2`).Scan(&b)
		}, tenantry.EINTERNAL},
		{"text not UTF-8", func(tx tenantry.Tx) error {
			var s string
			return tx.QueryRow(t.Context(), `SELECT $1`, "\xff").Scan(&s)
		}, tenantry.EINVALID},
	}
	for _, tt := range tests {
		err := ts.Read(t.Context(), tt.fn)
		if got := tenantry.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: got %v (code %q), want code %q", tt.name, err, got, tt.wantCode)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := ts.Read(ctx, func(tx tenantry.Tx) error {
		var n int
		return tx.QueryRow(ctx, `SELECT 1`).Scan(&n)
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("done context: got %v, want context.Canceled", err)
	}
}

// TestReadLeavesNothingOpen: rows a read did not close are reset when it
// ends, and the connection serves the next read.
func TestReadLeavesNothingOpen(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "open", "pro", "")
	for range readerConns + 2 {
		err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
			rows, err := tx.Query(t.Context(), `SELECT value FROM json_each('[1,2,3]')`)
			if err != nil {
				return err
			}
			if !rows.Next() {
				return errors.New("no row")
			}
			return nil // rows left open
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
		rows, err := tx.Query(t.Context(), `SELECT value FROM json_each('[1,2,3]')`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n++
		}
		return rows.Err()
	})
	if err != nil || n != 3 {
		t.Errorf("after reads that left rows open: got %d rows, %v; want 3", n, err)
	}
}

// TestReadBind pins the arguments the readers bind, each read back.
func TestReadBind(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "bind", "pro", "")
	text := "pointed"
	var nilText *string
	at := time.Date(2026, 12, 2, 7, 5, 26, 123456000, time.UTC)
	tests := []struct {
		arg  any
		want string
	}{
		{"text", "text"},
		{int64(-7), "-7"},
		{7, "7"},
		{uint16(9), "9"},
		{true, "1"},
		{2.5, "2.5"},
		{[]byte("bytes"), "bytes"},
		{nil, "NULL"},
		{&text, "pointed"},
		{nilText, "NULL"},
		{tenantry.RoleAdmin, "admin"},
		{sql.NullString{String: "valued", Valid: true}, "valued"},
		{sql.NullInt64{}, "NULL"},
		{at, "2026-12-02T07:05:26.123456Z"},
		{&at, "2026-12-02T07:05:26.123456Z"},
	}
	for _, tt := range tests {
		var got string
		err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
			return tx.QueryRow(t.Context(), `SELECT coalesce(CAST($1 AS TEXT), 'NULL')`, tt.arg).Scan(&got)
		})
		if err != nil || got != tt.want {
			t.Errorf("bind %T %v: got %q, %v; want %q", tt.arg, tt.arg, got, err, tt.want)
		}
	}
	err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
		var got string
		return tx.QueryRow(t.Context(), `SELECT $1`, struct{}{}).Scan(&got)
	})
	if err == nil {
		t.Error("bind struct{}: got no error")
	}
}

// TestReaderCacheSize: the readers run with readerCacheSize.
func TestReaderCacheSize(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "cache", "pro", "")
	var got int
	if err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
		return tx.QueryRow(t.Context(), `PRAGMA cache_size`).Scan(&got)
	}); err != nil {
		t.Fatal(err)
	}
	if want := -1024; got != want {
		t.Errorf("readers' cache_size: got %d, want %d", got, want)
	}
}

// TestPlaceholders pins how a statement's $1, $2, ... bind: by their
// number wherever they stand and however often, never inside quotes or
// comments, with SQLite's ?NNN and ? alike, a cast read as part of the
// name, and NULL for a number past the arguments.
func TestPlaceholders(t *testing.T) {
	db := openTest(t)
	_, ts := mustTenant(t, db, "placeholders", "pro", "")
	tests := []struct {
		query string
		args  []any
		want  string
	}{
		{`SELECT $2 || ',' || $1 || ',' || $2`, []any{"one", "two"}, "two,one,two"},
		{`SELECT $1 || '$2'`, []any{"a"}, "a$2"},
		{"SELECT $1 -- $2\n || /* $3 */ 'x'", []any{"a"}, "ax"},
		{`SELECT $10 || $1`, []any{"1", "", "", "", "", "", "", "", "", "10"}, "101"},
		{`SELECT ?2 || ?1`, []any{"a", "b"}, "ba"},
		{`SELECT ? || ?`, []any{"a", "b"}, "ab"},
		{`SELECT $1::text || 'x'`, []any{"cast"}, "castx"},
	}
	for _, tt := range tests {
		var got string
		err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
			return tx.QueryRow(t.Context(), tt.query, tt.args...).Scan(&got)
		})
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.query, got, err, tt.want)
		}
	}
	for _, bad := range []struct {
		query string
		args  []any
	}{{`SELECT :name`, []any{"a"}}, {`SELECT $2`, []any{"a"}}, {`SELECT $1`, []any{"a", "b"}}} {
		err := ts.Read(t.Context(), func(tx tenantry.Tx) error {
			var got string
			return tx.QueryRow(t.Context(), bad.query, bad.args...).Scan(&got)
		})
		if err == nil {
			t.Errorf("%s with %d arguments: got no error", bad.query, len(bad.args))
		}
	}
}

// FuzzParamNumber checks that any parameter name gives a number from 0 to
// past the largest an argument list could have, and that $N and ?N give N.
func FuzzParamNumber(f *testing.F) {
	for _, s := range []string{"$1", "?12", "", "$1::jsonb", ":a", "$", "$99999999999999999999", "@x"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, name string, i int) {
		n := paramNumber(name, i)
		if name == "" && n != i {
			t.Fatalf("paramNumber(\"\", %d) = %d, want %d", i, n, i)
		}
		if name != "" && (n < 0 || n > 1<<24) {
			t.Fatalf("paramNumber(%q) = %d, out of range", name, n)
		}
		for _, p := range []string{"$", "?"} {
			if k := paramNumber(p+strconv.Itoa(i&0xffff), 0); i >= 0 && k != i&0xffff {
				t.Fatalf("paramNumber(%s%d) = %d", p, i&0xffff, k)
			}
		}
	})
}
