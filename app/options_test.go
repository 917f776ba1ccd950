package app

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/sqlite"
)

// TestOptionsReachEveryCommand runs the commands with a builder's
// extension: migrate creates its table, and a tenant's export carries its
// rows.
func TestOptionsReachEveryCommand(t *testing.T) {
	ext := tenantry.Extension{Name: "notes", Tables: []string{"notes"}, SQLite: fstest.MapFS{"00001_notes.sql": {Data: []byte(`-- +goose Up
CREATE TABLE notes (tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (tenant_id, id));
`)}}}
	data := t.TempDir()
	env := map[string]string{"TENANTRY_DATA": data}
	cli := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &out, Options{Extensions: []tenantry.Extension{ext}}); err != nil {
			t.Fatalf("tenantry %v: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	cli("migrate")
	cli("tenant", "create", "--name", "Acme", "--slug", "acme")
	db, err := sqlite.Open(context.Background(), filepath.Join(data, "tenantry.db"), tenantry.DefaultPlans(), ext)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := db.TenantBySlug(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	err = db.Tenant(tn.ID).Write(context.Background(), func(tx tenantry.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO notes (tenant_id, id, body) VALUES ($1, $2, $3)`, tx.TenantID(), tenantry.NewID(), "hello")
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := cli("tenant", "export", "acme"); !strings.Contains(got, `"table":"notes"`) || !strings.Contains(got, `"body":"hello"`) {
		t.Errorf("export does not carry the extension's row:\n%s", got)
	}
	bad := Run(context.Background(), []string{"migrate"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{},
		Options{Extensions: []tenantry.Extension{{Name: "Bad"}}})
	if bad == nil {
		t.Errorf("Run with an invalid extension: got nil error, want one")
	}
}
