package postgres_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/postgres"
)

// invoices is a builder's extension with one migration of the given DDL:
// only the builder's table, no row level security, policy or grant, which
// Tenantry adds itself.
func invoices(ddl string) tenantry.Extension {
	return tenantry.Extension{
		Name:     "billing",
		Tables:   []string{"invoices"},
		Postgres: fstest.MapFS{"00001_invoices.sql": {Data: []byte("-- +goose Up\n" + ddl + "\n")}},
	}
}

const goodInvoices = `CREATE TABLE invoices (
	tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id uuid NOT NULL,
	number text NOT NULL,
	amount bigint NOT NULL CHECK (amount >= 0),
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, number)
);`

func TestExtensionTablesChecked(t *testing.T) {
	tests := []struct {
		name, ddl, want string
	}{
		{"follows the rules", goodInvoices, ""},
		{"id leads the key", `CREATE TABLE invoices (tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, id uuid NOT NULL, PRIMARY KEY (id, tenant_id));`,
			"table invoices: tenant_id must lead the primary key"},
		{"unique without tenant_id", `CREATE TABLE invoices (tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, id uuid NOT NULL, number text UNIQUE, PRIMARY KEY (tenant_id, id));`,
			"table invoices: tenant_id must lead every unique key"},
		{"foreign key without tenant_id", `CREATE TABLE invoices (tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, id uuid NOT NULL, user_id uuid REFERENCES users (id), PRIMARY KEY (tenant_id, id));`,
			"table invoices: every foreign key must include tenant_id"},
		{"no cascade with the tenant", `CREATE TABLE invoices (tenant_id uuid NOT NULL REFERENCES tenants (id), id uuid NOT NULL, PRIMARY KEY (tenant_id, id));`,
			"table invoices: needs FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE"},
		{"not created", `CREATE TABLE other (x text);`, "table invoices does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := postgres.Open(context.Background(), pgtest.URL(t), tenantry.DefaultPlans(), postgres.Options{Extensions: []tenantry.Extension{invoices(tt.ddl)}})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				db.Close()
				return
			}
			if err == nil {
				db.Close()
				t.Fatalf("Open: got nil error, want one naming %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open: got %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestExtensionTableSecured(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	opts := postgres.Options{Extensions: []tenantry.Extension{invoices(goodInvoices)}}
	db, err := postgres.Open(ctx, url, tenantry.DefaultPlans(), opts)
	if err != nil {
		t.Fatal(err)
	}
	_, a := fixture(t, db, "inv-a", "pro")
	_, b := fixture(t, db, "inv-b", "pro")
	insert := func(tenantID, number string, amount int) error {
		return db.Tenant(tenantID).Write(ctx, func(tx tenantry.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO invoices (tenant_id, id, number, amount) VALUES ($1, $2, $3, $4)`,
				tx.TenantID(), tenantry.NewID(), number, amount)
			return err
		})
	}
	if err := insert(a.ID, "2026-001", 100); err != nil {
		t.Fatal(err)
	}
	if err := insert(b.ID, "2026-001", 5); err != nil {
		t.Errorf("same number in tenant B: %v", err)
	}
	if got := tenantry.ErrorCode(insert(a.ID, "2026-001", 1)); got != tenantry.ECONFLICT {
		t.Errorf("same number in tenant A: got %q, want conflict", got)
	}
	if got := tenantry.ErrorCode(insert(a.ID, "2026-002", -1)); got != tenantry.EINVALID {
		t.Errorf("negative amount: got %q, want validation_failed", got)
	}
	// The builder's table has the wall although its migration did not
	// ask for it: an unfiltered count sees one tenant's rows, and a row
	// naming another tenant is refused.
	var n int
	err = db.Tenant(a.ID).Read(ctx, func(tx tenantry.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM invoices`).Scan(&n)
	})
	if err != nil || n != 1 {
		t.Errorf("unfiltered count in A: %d, %v; want 1", n, err)
	}
	if err := insert(a.ID, "x", 1); err != nil {
		t.Fatal(err)
	}
	err = db.Tenant(a.ID).Write(ctx, func(tx tenantry.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO invoices (tenant_id, id, number, amount) VALUES ($1, $2, 'smuggled', 1)`, b.ID, tenantry.NewID())
		return err
	})
	if err == nil {
		t.Errorf("insert of B's row from A's transaction: got nil error, want a refusal")
	}
	// Reopening runs nothing twice; deleting a tenant takes its rows.
	db.Close()
	if db, err = postgres.Open(ctx, url, tenantry.DefaultPlans(), opts); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if err := db.Platform().DeleteTenant(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	err = db.Tenant(b.ID).Read(ctx, func(tx tenantry.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM invoices`).Scan(&n)
	})
	if err != nil || n != 1 {
		t.Errorf("invoices of B after deleting A: %d, %v; want 1", n, err)
	}
}

func TestExtensionRowsExportedAndImported(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.URL(t), tenantry.DefaultPlans(), postgres.Options{Extensions: []tenantry.Extension{invoices(goodInvoices)}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, a := fixture(t, db, "exp-a", "pro")
	want := map[string]int64{"2026-001": 100, "2026-002": 250}
	err = db.Tenant(a.ID).Write(ctx, func(tx tenantry.Tx) error {
		for number, amount := range want {
			if _, err := tx.Exec(ctx, `INSERT INTO invoices (tenant_id, id, number, amount) VALUES ($1, $2, $3, $4)`,
				tx.TenantID(), tenantry.NewID(), number, amount); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := db.Platform().ExportTenant(ctx, a.ID, &buf); err != nil {
		t.Fatal(err)
	}
	export := buf.String()
	if got := strings.Count(export, `"type":"row"`); got != 2 {
		t.Fatalf("export has %d invoice rows, want 2:\n%s", got, export)
	}
	if err := db.Platform().DeleteTenant(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Platform().ImportTenant(ctx, strings.NewReader(export)); err != nil {
		t.Fatalf("import: %v", err)
	}
	got := map[string]int64{}
	err = db.Tenant(a.ID).Read(ctx, func(tx tenantry.Tx) error {
		rows, err := tx.Query(ctx, `SELECT number, amount FROM invoices`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			var amt int64
			if err := rows.Scan(&n, &amt); err != nil {
				return err
			}
			got[n] = amt
		}
		return rows.Err()
	})
	if err != nil || len(got) != 2 || got["2026-001"] != 100 || got["2026-002"] != 250 {
		t.Errorf("invoices after the round trip: %v, %v; want %v", got, err, want)
	}
	if err := db.Platform().DeleteTenant(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	bad := []struct{ name, from, to string }{
		{"undeclared table", `"table":"invoices"`, `"table":"tenants"`},
		{"other tenant", `"tenant_id":"` + a.ID + `"}}`, `"tenant_id":"` + tenantry.NewID() + `"}}`},
		{"unknown column", `"number":`, `"nope":"x","number":`},
	}
	for _, b := range bad {
		tampered := strings.Replace(export, b.from, b.to, 1)
		if tampered == export {
			t.Fatalf("%s: the export has no %s:\n%s", b.name, b.from, export)
		}
		if _, err := db.Platform().ImportTenant(ctx, strings.NewReader(tampered)); tenantry.ErrorCode(err) != tenantry.EBADREQUEST {
			t.Errorf("%s: import got %v, want bad_request", b.name, err)
		}
		if _, err := db.TenantByID(ctx, a.ID); tenantry.ErrorCode(err) != tenantry.ETENANTNOTFOUND {
			t.Errorf("%s: the refused import left the tenant (%v)", b.name, err)
		}
	}
}
