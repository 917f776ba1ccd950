package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/postgres"
)

// TestOpenRefusesUnprotectedTenantTables adds a builder's table with a
// tenant_id column by hand, without the wall or with part of it, and checks
// that the server refuses to start, naming the table and what is missing.
func TestOpenRefusesUnprotectedTenantTables(t *testing.T) {
	tests := []struct {
		name, ddl, want string
	}{
		{"no RLS", ``, "public.invoices (row level security is not enabled)"},
		{"not forced", `ALTER TABLE invoices ENABLE ROW LEVEL SECURITY`, "public.invoices (row level security is not forced)"},
		{"no policy", `ALTER TABLE invoices ENABLE ROW LEVEL SECURITY; ALTER TABLE invoices FORCE ROW LEVEL SECURITY`,
			"public.invoices (no policy has both USING and WITH CHECK)"},
		{"other schema", `CREATE SCHEMA billing; CREATE TABLE billing.ledger (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id)); ALTER TABLE invoices ENABLE ROW LEVEL SECURITY; ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
			CREATE POLICY tenant ON invoices USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid)`,
			"billing.ledger (row level security is not enabled)"},
		{"protected", `ALTER TABLE invoices ENABLE ROW LEVEL SECURITY; ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
			CREATE POLICY tenant ON invoices USING (tenant_id = current_setting('app.tenant_id')::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid)`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, url := open(t)
			db.Close()
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, `CREATE TABLE invoices (tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, id uuid NOT NULL, PRIMARY KEY (tenant_id, id))`); err != nil {
				t.Fatal(err)
			}
			if tt.ddl != "" {
				if _, err := conn.Exec(ctx, tt.ddl); err != nil {
					t.Fatal(err)
				}
			}
			again, err := postgres.Open(ctx, url, tenantry.DefaultPlans())
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Open with a protected builder table: %v", err)
				}
				again.Close()
				return
			}
			if err == nil {
				again.Close()
				t.Fatalf("Open with %s: got nil error, want a refusal", tt.name)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open: got %v, want it to name %q", err, tt.want)
			}
		})
	}
}
