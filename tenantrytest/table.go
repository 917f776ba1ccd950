package tenantrytest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
)

// TableSpec describes a builder's tenant table to CheckTable.
type TableSpec struct {
	// Table is the table's name; its rows are identified by an id column.
	Table string
	// Insert adds one row to the tenant of ts and returns its id. unique is
	// a value for the table's unique key (within a tenant), when it has
	// one: the suite uses the same value in two tenants.
	Insert func(ctx context.Context, ts tenantry.TenantStore, unique string) (id string, err error)
	// Unique says that Insert's unique value is unique within a tenant, so
	// that inserting it twice in one tenant must be a conflict.
	Unique bool
}

// CheckTable runs the isolation suite on a builder's table: another
// tenant's row is neither read, changed nor deleted by id; the same unique
// value lives in two tenants (and is a conflict twice in one); a tenant's
// rows survive export, delete and import; and on PostgreSQL, raw queries
// as the runtime role see no row without a tenant, another tenant's rows
// stay out of reach even with a forgotten tenant filter, and a row cannot
// be moved into another tenant.
func CheckTable(t *testing.T, s Store, spec TableSpec) {
	t.Helper()
	ctx := context.Background()
	tenant := func(slug string) *tenantry.Tenant {
		tn, err := s.Platform().CreateTenant(ctx, tenantry.TenantCreate{Name: "Kit " + slug, Slug: slug})
		if err != nil {
			t.Fatalf("CreateTenant(%s): %v", slug, err)
		}
		return tn
	}
	a, b := tenant("kit-a"), tenant("kit-b")
	ta, tb := s.Tenant(a.ID), s.Tenant(b.ID)
	idA, err := spec.Insert(ctx, ta, "kit-1")
	if err != nil {
		t.Fatalf("Insert in tenant A: %v", err)
	}
	if _, err := spec.Insert(ctx, tb, "kit-1"); err != nil {
		t.Errorf("the same unique value in tenant B: got %v, want it allowed", err)
	}
	if spec.Unique {
		if _, err := spec.Insert(ctx, ta, "kit-1"); tenantry.ErrorCode(err) != tenantry.ECONFLICT {
			t.Errorf("the same unique value twice in tenant A: got %v, want conflict", err)
		}
	}
	table := pgx.Identifier{spec.Table}.Sanitize()
	count := func(ts tenantry.TenantStore, where string, args ...any) int {
		t.Helper()
		var n int
		err := ts.Read(ctx, func(tx tenantry.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE `+where, args...).Scan(&n)
		})
		if err != nil {
			t.Fatalf("count %s: %v", where, err)
		}
		return n
	}
	changed := func(ts tenantry.TenantStore, stmt string, args ...any) int64 {
		t.Helper()
		var n int64
		err := ts.Write(ctx, func(tx tenantry.Tx) error {
			var err error
			n, err = tx.Exec(ctx, stmt, args...)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		return n
	}
	if n := count(tb, `tenant_id = $1 AND id = $2`, b.ID, idA); n != 0 {
		t.Errorf("tenant B reads A's row by id: %d rows, want 0", n)
	}
	if n := changed(tb, `UPDATE `+table+` SET id = id WHERE tenant_id = $1 AND id = $2`, b.ID, idA); n != 0 {
		t.Errorf("tenant B updates A's row by id: %d rows, want 0", n)
	}
	if n := changed(tb, `DELETE FROM `+table+` WHERE tenant_id = $1 AND id = $2`, b.ID, idA); n != 0 {
		t.Errorf("tenant B deletes A's row by id: %d rows, want 0", n)
	}
	if s.URL != "" {
		// Row level security under a forgotten filter.
		if n := count(tb, `id = $1`, idA); n != 0 {
			t.Errorf("tenant B reads A's row without a tenant filter: %d rows, want 0", n)
		}
		if n := changed(tb, `DELETE FROM `+table+` WHERE id = $1`, idA); n != 0 {
			t.Errorf("tenant B deletes A's row without a tenant filter: %d rows, want 0", n)
		}
	}
	if n := count(ta, `tenant_id = $1 AND id = $2`, a.ID, idA); n != 1 {
		t.Fatalf("tenant A's row after B's attempts: %d rows, want 1", n)
	}

	// Export, delete, import: the row comes back with its tenant.
	var buf strings.Builder
	if err := s.Platform().ExportTenant(ctx, a.ID, &buf); err != nil {
		t.Fatalf("ExportTenant: %v", err)
	}
	if err := s.Platform().DeleteTenant(ctx, a.ID); err != nil {
		t.Fatalf("DeleteTenant: %v", err)
	}
	if n := count(tb, `tenant_id = $1`, a.ID); n != 0 {
		t.Errorf("rows of the deleted tenant: %d, want 0", n)
	}
	if _, err := s.Platform().ImportTenant(ctx, strings.NewReader(buf.String())); err != nil {
		t.Fatalf("ImportTenant: %v", err)
	}
	if n := count(ta, `tenant_id = $1 AND id = $2`, a.ID, idA); n != 1 {
		t.Errorf("tenant A's row after export, delete and import: %d rows, want 1", n)
	}

	if s.URL != "" {
		checkRaw(t, s.URL, table, a.ID, b.ID)
	}
}

// checkRaw runs raw queries as the runtime role on the owner's URL: no
// tenant set sees no row, and a row of tenant b cannot be moved to tenant
// a while b is set.
func checkRaw(t *testing.T, url, table, a, b string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET ROLE "+postgres.RuntimeRole); err != nil {
		t.Fatalf("SET ROLE: %v", err)
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil || n != 0 {
		t.Errorf("raw count with no tenant set: %d rows, %v; want 0", n, err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL app.tenant_id = '"+b+"'"); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil || n == 0 {
		t.Errorf("raw count with tenant B set: %d rows, %v; want B's rows", n, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE `+table+` SET tenant_id = $1`, a); err == nil {
		t.Errorf("moving B's rows to A with B set: got nil error, want the policy's refusal")
	}
}
