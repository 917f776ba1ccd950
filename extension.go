package tenantry

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Extension is a builder's set of tenant-scoped tables, declared to a store
// at open (sqlite.Open, postgres.Options.Extensions) so that Tenantry
// migrates them, checks them and secures them the way it does its own:
//
//   - its migrations run after Tenantry's, per dialect, with a version
//     table of their own ("goose_" + Name);
//   - every declared table must follow the key rules of CheckTable
//     (tenant_id leads the primary key and every unique key, is part of
//     every foreign key, and a foreign key to tenants deletes the rows with
//     their tenant), or the store refuses to open, naming the table and the
//     rule;
//   - on PostgreSQL Tenantry itself enables and forces row level security
//     on each declared table, creates its tenant policy and grants the
//     runtime role, so a builder's migration holds only the builder's DDL.
//
// Rows are then reached through TenantStore.Write and Read (Tx), never
// without a tenant. Tenantry checks and secures the builder's SQL; it does
// not write it.
type Extension struct {
	// Name is lower-case letters, digits and underscores, starting with a
	// letter.
	Name string
	// Tables are the extension's tenant tables, parents before children.
	Tables []string
	// SQLite and Postgres hold the goose migrations (*.sql at the root of
	// each) of each dialect; a store of a dialect without them refuses to
	// open.
	SQLite, Postgres fs.FS
	// Limits are the extension's plan limits: limit name to its value on
	// each plan (a plan not named: Unlimited). Plans.WithExtensions adds
	// them to the plans; GET /api/tenant shows them, and only the platform
	// overrides them for one tenant (limits in the admin PATCH).
	Limits map[string]map[string]int64
	// Usage are the extension's usage counters: name to a query that
	// returns one count for the tenant $1, for example
	// "SELECT count(*) FROM invoices WHERE tenant_id = $1". GET /api/tenant
	// and the admin tenant answer show them under usage.extensions.
	Usage map[string]string
	// MemberRemoved are statements the store runs in the transaction that
	// removes a member, before the member's row goes, with $1 the tenant,
	// $2 the user and $3 the time: for example
	// "UPDATE tasks SET assigned_to_id = NULL, updated_at = $3 WHERE
	// tenant_id = $1 AND assigned_to_id = $2", so a foreign key to
	// members (tenant_id, user_id) never blocks a removal. (A key with ON
	// DELETE SET NULL would do it too, but Citus refuses SET NULL on a key
	// that holds the distribution column.)
	MemberRemoved []string
	// EventRoles are the least roles that see the events of the
	// extension's resources in GET /api/events: the resource is the part
	// of the audit action before the dot ("invoice" of "invoice.create").
	// A resource not named is seen by owners and admins only.
	EventRoles map[string]Role
}

// Validate checks an extension's declaration.
func (e Extension) Validate() error {
	if !validIdent(e.Name) {
		return fmt.Errorf("tenantry: extension name %q: want lower-case letters, digits and _, starting with a letter", e.Name)
	}
	if len(e.Tables) == 0 {
		return fmt.Errorf("tenantry: extension %s declares no table", e.Name)
	}
	for name := range e.Limits {
		if !validIdent(name) || IsLimitName(name) {
			return fmt.Errorf("tenantry: extension %s: limit name %q: want lower-case letters, digits and _, not one of Tenantry's", e.Name, name)
		}
	}
	for name, q := range e.Usage {
		if !validIdent(name) || strings.TrimSpace(q) == "" {
			return fmt.Errorf("tenantry: extension %s: usage counter %q: want a lower-case name and a count query", e.Name, name)
		}
	}
	for _, q := range e.MemberRemoved {
		if strings.TrimSpace(q) == "" {
			return fmt.Errorf("tenantry: extension %s: an empty MemberRemoved statement", e.Name)
		}
	}
	for res, role := range e.EventRoles {
		if !validIdent(res) || !role.Valid() {
			return fmt.Errorf("tenantry: extension %s: event roles: %q to %q: want a lower-case resource and owner, admin or member", e.Name, res, role)
		}
	}
	for i, t := range e.Tables {
		if !validIdent(t) {
			return fmt.Errorf("tenantry: extension %s: table name %q: want lower-case letters, digits and _", e.Name, t)
		}
		if slices.Contains(e.Tables[:i], t) {
			return fmt.Errorf("tenantry: extension %s declares table %s twice", e.Name, t)
		}
	}
	return nil
}

// ValidateExtensions checks each extension and that no two share a name or
// a table.
func ValidateExtensions(exts []Extension) error {
	names, tables := map[string]bool{}, map[string]string{}
	for _, e := range exts {
		if err := e.Validate(); err != nil {
			return err
		}
		if names[e.Name] {
			return fmt.Errorf("tenantry: two extensions are named %s", e.Name)
		}
		names[e.Name] = true
		for _, t := range e.Tables {
			if other, ok := tables[t]; ok {
				return fmt.Errorf("tenantry: table %s is declared by extensions %s and %s", t, other, e.Name)
			}
			tables[t] = e.Name
		}
	}
	return nil
}

func validIdent(s string) bool {
	if s == "" || len(s) > 48 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// TableShape is what a store's catalog says of a table's keys, for
// CheckTable.
type TableShape struct {
	Name    string
	Columns []string
	// PrimaryKey lists the primary key's columns in key order.
	PrimaryKey []string
	// Unique lists the columns of each unique index or constraint, in key
	// order.
	Unique [][]string
	// ForeignKeys are the table's foreign keys.
	ForeignKeys []ForeignKey
}

// ForeignKey is one foreign key of a TableShape.
type ForeignKey struct {
	Columns    []string
	RefTable   string
	RefColumns []string
	// Cascade is set when deleting the referenced row deletes this one.
	Cascade bool
}

// CheckTable returns nil when a tenant table follows Tenantry's key rules,
// the ones that make "another tenant's row" unreachable by any key and let
// the schema be distributed by tenant_id, else an error naming the table
// and the broken rule. The rules: a tenant_id column; tenant_id first in
// the primary key and in every unique key; tenant_id in every foreign key,
// matched to the referenced table's tenant_id (or to tenants.id); and a
// foreign key to tenants (id) that cascades, so the rows go with their
// tenant.
func CheckTable(t TableShape) error {
	fail := func(rule string) error { return fmt.Errorf("tenantry: table %s: %s", t.Name, rule) }
	if !slices.Contains(t.Columns, "tenant_id") {
		return fail("has no tenant_id column")
	}
	if len(t.PrimaryKey) == 0 || t.PrimaryKey[0] != "tenant_id" {
		return fail("tenant_id must lead the primary key (PRIMARY KEY (tenant_id, ...)), got (" + strings.Join(t.PrimaryKey, ", ") + ")")
	}
	for _, u := range t.Unique {
		if len(u) == 0 || u[0] != "tenant_id" {
			return fail("tenant_id must lead every unique key, got UNIQUE (" + strings.Join(u, ", ") + ")")
		}
	}
	cascades := false
	for _, fk := range t.ForeignKeys {
		i := slices.Index(fk.Columns, "tenant_id")
		if i < 0 || i >= len(fk.RefColumns) {
			return fail("every foreign key must include tenant_id, got (" + strings.Join(fk.Columns, ", ") + ") REFERENCES " + fk.RefTable)
		}
		want := "tenant_id"
		if fk.RefTable == "tenants" {
			want = "id"
		}
		if fk.RefColumns[i] != want {
			return fail("the foreign key to " + fk.RefTable + " must match tenant_id to " + fk.RefTable + "." + want)
		}
		if fk.RefTable == "tenants" && fk.Cascade {
			cascades = true
		}
	}
	if !cascades {
		return fail("needs FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE, so its rows go with their tenant")
	}
	return nil
}
