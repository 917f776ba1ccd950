package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/projects"
)

// testHash is a well-formed argon2id hash stored for test users.
const testHash = "$argon2id$v=19$m=65536,t=1,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

// openTest opens a fresh database in a temporary directory with the
// default plans and closes it when the test ends.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "data", "tenantry.db"), tenantry.DefaultPlans(), projects.Extension())
	if err != nil {
		t.Fatalf("Open: got error %v, want none", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// userCtx returns a context whose identity is userID, with a request id.
func userCtx(ctx context.Context, userID string) context.Context {
	ctx = tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: userID})
	return tenantry.NewContextWithRequestID(ctx, "req-"+userID)
}

// mustUser creates a user.
func mustUser(t testing.TB, db *DB, email string) *tenantry.User {
	t.Helper()
	u, err := db.CreateUser(t.Context(), tenantry.UserCreate{Email: email, Name: email, PasswordHash: testHash})
	if err != nil {
		t.Fatalf("CreateUser(%s): got error %v, want none", email, err)
	}
	return u
}

// mustTenant creates a tenant on plan owned by ownerID ("" for none) and
// returns it with its handle.
func mustTenant(t testing.TB, db *DB, slug, plan, ownerID string) (*tenantry.Tenant, tenantry.TenantStore) {
	t.Helper()
	tn, err := db.Platform().CreateTenant(t.Context(), tenantry.TenantCreate{Name: "Tenant " + slug, Slug: slug, Plan: plan, OwnerID: ownerID})
	if err != nil {
		t.Fatalf("CreateTenant(%s): got error %v, want none", slug, err)
	}
	return tn, db.Tenant(tn.ID)
}

// wantCode reports an error unless err carries code ("" for none).
func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if got := tenantry.ErrorCode(err); got != code {
		t.Errorf("%s: got code %q (%v), want %q", what, got, err, code)
	}
}

func ptr[T any](v T) *T { return &v }

func TestOpen(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	pragmas := []struct {
		pool *DB
		name string
		want string
	}{
		{db, "journal_mode", "wal"},
		{db, "foreign_keys", "1"},
		{db, "synchronous", "1"},
		{db, "busy_timeout", "5000"},
	}
	for _, p := range pragmas {
		var got string
		if err := db.write(ctx, "", func(tx *connTx) error {
			return tx.QueryRow(ctx, "PRAGMA "+p.name).Scan(&got)
		}); err != nil {
			t.Fatalf("PRAGMA %s: %v", p.name, err)
		}
		if got != p.want {
			t.Errorf("writer PRAGMA %s: got %q, want %q", p.name, got, p.want)
		}
	}
	for _, p := range []struct{ name, want string }{{"journal_mode", "wal"}, {"busy_timeout", "5000"}, {"query_only", "1"}} {
		var got string
		if err := db.readers.read(ctx, "", false, func(tx tenantry.Tx) error {
			return tx.QueryRow(ctx, "PRAGMA "+p.name).Scan(&got)
		}); err != nil {
			t.Fatalf("readers' PRAGMA %s: %v", p.name, err)
		}
		if got != p.want {
			t.Errorf("readers' PRAGMA %s: got %q, want %q", p.name, got, p.want)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Errorf("Migrate again: got error %v, want none", err)
	}
	// Reopening an existing file applies nothing and keeps the rows.
	u := mustUser(t, db, "keep@example.com")
	db.Close()
	db2, err := Open(ctx, db.path, tenantry.DefaultPlans())
	if err != nil {
		t.Fatalf("reopen: got error %v, want none", err)
	}
	defer db2.Close()
	if _, err := db2.User(ctx, u.ID); err != nil {
		t.Errorf("User after reopen: got error %v, want none", err)
	}
}

func TestReaderIsReadOnly(t *testing.T) {
	db := openTest(t)
	err := db.readers.read(t.Context(), "", false, func(tx tenantry.Tx) error {
		_, err := tx.Exec(t.Context(), `INSERT INTO users (id, email, name, created_at, updated_at) VALUES ('x', 'x', 'x', '', '')`)
		return err
	})
	if err == nil {
		t.Errorf("insert through the reader pool: got no error, want a read-only error")
	}
}

func TestPing(t *testing.T) {
	db := openTest(t)
	wantCode(t, "Ping", db.Ping(t.Context()), "")
	db.Close()
	wantCode(t, "Ping after Close", db.Ping(t.Context()), tenantry.EUNAVAILABLE)
	_, err := db.CreateUser(t.Context(), tenantry.UserCreate{Email: "a@example.com", Name: "A", PasswordHash: testHash})
	wantCode(t, "CreateUser after Close", err, tenantry.EUNAVAILABLE)
}

// FuzzParseStored checks parseStored against time.Parse with timeFormat:
// a text it accepts means the same time to both, and is the text encTime
// writes for that time.
func FuzzParseStored(f *testing.F) {
	for _, s := range []string{"2026-12-02T07:05:26.123456Z", "2024-02-29T23:59:59.999999Z", "2023-02-29T00:00:00.000000Z",
		"2026-13-01T00:00:00.000000Z", "2026-12-02T24:00:00.000000Z", "2026-12-02T07:05:26.12345Z", "0000-01-01T00:00:00.000000Z",
		"2026-12-02T07:05:26Z", "2026-12-02 07:05:26.123456Z", "２026-12-02T07:05:26.123456Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseStored(s)
		if !ok {
			return // timeScan falls back to time.Parse, lenient as it is
		}
		want, err := time.Parse(timeFormat, s)
		if err != nil || !got.Equal(want) {
			t.Fatalf("parseStored(%q) = %v; time.Parse: %v, %v", s, got, want, err)
		}
		if encTime(got) != s {
			t.Fatalf("encTime(parseStored(%q)) = %q", s, encTime(got))
		}
	})
}

func TestParseStored(t *testing.T) {
	tests := []struct {
		s    string
		want time.Time
		ok   bool
	}{
		{"2026-12-02T07:05:26.123456Z", time.Date(2026, 12, 2, 7, 5, 26, 123456000, time.UTC), true},
		{"2024-02-29T23:59:59.999999Z", time.Date(2024, 2, 29, 23, 59, 59, 999999000, time.UTC), true},
		{"2023-02-29T00:00:00.000000Z", time.Time{}, false},
		{"2026-12-02T24:00:00.000000Z", time.Time{}, false},
		{"2026-12-02T07:05:26Z", time.Time{}, false},
		{"2026-12-02T07:05:26.123456+01:00", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseStored(tt.s)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseStored(%q) = %v, %v; want %v, %v", tt.s, got, ok, tt.want, tt.ok)
		}
	}
}

// queryRow reads one row through the readers: a test's look at the tables.
func queryRow(t testing.TB, db *DB, query string, args ...any) rowFunc {
	return func(dest ...any) error {
		return db.readers.read(t.Context(), "", false, func(tx tenantry.Tx) error {
			return tx.QueryRow(t.Context(), query, args...).Scan(dest...)
		})
	}
}

// rowFunc is a row whose Scan is the function.
type rowFunc func(dest ...any) error

func (f rowFunc) Scan(dest ...any) error { return f(dest...) }
