package postgres

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/examples/invoices"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/projects"
)

var update = flag.Bool("update", false, "rewrite testdata/citus_catalog.json and testdata/citus_plan.golden from a freshly migrated database")

const (
	citusCatalogFile = "testdata/citus_catalog.json"
	citusPlanFile    = "testdata/citus_plan.golden"
)

// renderCitusPlan writes the refusals of c as comments, then its plan,
// one statement a line with its arguments.
func renderCitusPlan(c citusCatalog) string {
	var b strings.Builder
	for _, r := range citusBlockers(c) {
		fmt.Fprintf(&b, "-- refused: %s\n", r)
	}
	for _, s := range planCitus(c) {
		b.WriteString(s.SQL)
		for i, a := range s.Args {
			fmt.Fprintf(&b, "  -- $%d = %v", i+1, a)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestCitusPlanGolden plans the distribution of Tenantry's schema with the
// example's invoices table, as a freshly migrated database's catalog
// describes it (testdata/citus_catalog.json, which
// TestCitusCatalogFreshDatabase checks against a real database), and
// compares it with testdata/citus_plan.golden.
func TestCitusPlanGolden(t *testing.T) {
	raw, err := os.ReadFile(citusCatalogFile)
	if err != nil {
		t.Fatal(err)
	}
	var c citusCatalog
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(citusPlanFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := renderCitusPlan(c); got != string(want) {
		t.Errorf("plan of %s:\n%s\nwant (%s):\n%s", citusCatalogFile, got, citusPlanFile, want)
	}
}

// TestCitusCatalogFreshDatabase reads the catalog of a database migrated
// with the invoices extension, as Migrate reads it before distributing,
// and checks that it is testdata/citus_catalog.json and plans
// testdata/citus_plan.golden; -update rewrites both.
func TestCitusCatalogFreshDatabase(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	openTest(t, url, Options{Extensions: []tenantry.Extension{projects.Extension(), invoices.Extension()}})
	got, err := readCitusCatalog(ctx, connectOwner(t, url), false)
	if err != nil {
		t.Fatal(err)
	}
	if got.table("invoices") == nil || got.table("tasks") == nil {
		t.Fatalf("the catalog has no invoices table: %+v", got.Tables)
	}
	plan := renderCitusPlan(got)
	if *update {
		raw, err := json.MarshalIndent(got, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(citusCatalogFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(citusCatalogFile, append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(citusPlanFile, []byte(plan), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(citusCatalogFile)
	if err != nil {
		t.Fatal(err)
	}
	var want citusCatalog
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "\t")
		t.Errorf("catalog of a fresh database:\n%s\nwant %s (go test -run TestCitusCatalogFreshDatabase -update rewrites it)", g, citusCatalogFile)
	}
	golden, err := os.ReadFile(citusPlanFile)
	if err != nil {
		t.Fatal(err)
	}
	if plan != string(golden) {
		t.Errorf("plan of a fresh database:\n%s\nwant %s:\n%s", plan, citusPlanFile, golden)
	}
}

// citusFixture is a small schema: two global tables (users references
// tenants), two tenant tables (items references lists) and the runtime
// role, as Citus would hold them with kinds.
func citusFixture(kinds map[string]citusTable, login bool) citusCatalog {
	c := citusCatalog{RoleCanLogin: login}
	for _, name := range []string{"items", "lists", "tenants", "users"} {
		t := citusTable{Name: name, TenantID: name == "items" || name == "lists"}
		if k, ok := kinds[name]; ok {
			t.Kind, t.Column, t.Colocation = k.Kind, k.Column, k.Colocation
		}
		c.Tables = append(c.Tables, t)
	}
	c.ForeignKeys = []citusForeignKey{
		{Name: "items_list_fkey", Table: "items", RefTable: "lists", Columns: []string{"tenant_id", "list_id"}, OnDelete: "c", OnUpdate: "a",
			Definition: "FOREIGN KEY (tenant_id, list_id) REFERENCES lists(tenant_id, id) ON DELETE CASCADE"},
		{Name: "items_tenant_id_fkey", Table: "items", RefTable: "tenants", Columns: []string{"tenant_id"}, OnDelete: "c", OnUpdate: "a",
			Definition: "FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE"},
		{Name: "users_default_tenant_id_fkey", Table: "users", RefTable: "tenants", Columns: []string{"default_tenant_id"}, OnDelete: "n", OnUpdate: "a",
			Definition: "FOREIGN KEY (default_tenant_id) REFERENCES tenants(id) ON DELETE SET NULL"},
	}
	return c
}

// sequentialSQL opens every plan.
const sequentialSQL = "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"

// held is how Citus holds a table of a fixture: as kind, distributed by
// tenant_id in group when kind is citusDistributed.
func held(kind citusKind, group int) citusTable {
	if kind == citusDistributed {
		return citusTable{Kind: kind, Column: "tenant_id", Colocation: group}
	}
	return citusTable{Kind: kind}
}

// TestPlanCitus pins the order of the plan and that it skips what is done,
// so that Migrate converts a database distributed in part, or not at all,
// and does nothing on one distributed in full.
func TestPlanCitus(t *testing.T) {
	all := map[string]citusTable{"tenants": held(citusReference, 0), "users": held(citusReference, 0), "lists": held(citusDistributed, 3), "items": held(citusDistributed, 3)}
	tests := []struct {
		name  string
		kinds map[string]citusTable
		login bool
		want  []string
	}{
		{"nothing distributed", nil, false, []string{
			sequentialSQL,
			`SELECT create_reference_table($1) ["tenants"]`,
			`SELECT create_reference_table($1) ["users"]`,
			`ALTER TABLE "items" DROP CONSTRAINT "items_list_fkey" []`,
			`SELECT create_distributed_table($1, 'tenant_id', colocate_with => 'none') ["items"]`,
			`SELECT create_distributed_table($1, 'tenant_id', colocate_with => $2) ["lists" "items"]`,
			`ALTER TABLE "items" ADD CONSTRAINT "items_list_fkey" FOREIGN KEY (tenant_id, list_id) REFERENCES lists(tenant_id, id) ON DELETE CASCADE []`,
			`ALTER ROLE "tenantry_app" LOGIN []`,
		}},
		{"everything done", all, true, nil},
		{"everything done but the role", all, false, []string{sequentialSQL, `ALTER ROLE "tenantry_app" LOGIN []`}},
		{"tables Citus made local by a key to a reference table", map[string]citusTable{"tenants": held(citusReference, 0), "users": held(citusLocal, 0), "lists": held(citusLocal, 0), "items": held(citusLocal, 0)}, true, []string{
			sequentialSQL,
			`SELECT create_reference_table($1) ["users"]`,
			`ALTER TABLE "items" DROP CONSTRAINT "items_list_fkey" []`,
			`SELECT create_distributed_table($1, 'tenant_id', colocate_with => 'none') ["items"]`,
			`SELECT create_distributed_table($1, 'tenant_id', colocate_with => $2) ["lists" "items"]`,
			`ALTER TABLE "items" ADD CONSTRAINT "items_list_fkey" FOREIGN KEY (tenant_id, list_id) REFERENCES lists(tenant_id, id) ON DELETE CASCADE []`,
		}},
		{"a table added after the others were distributed", map[string]citusTable{"tenants": held(citusReference, 0), "users": held(citusReference, 0), "lists": held(citusDistributed, 7)}, true, []string{
			sequentialSQL,
			`ALTER TABLE "items" DROP CONSTRAINT "items_list_fkey" []`,
			`SELECT create_distributed_table($1, 'tenant_id', colocate_with => $2) ["items" "lists"]`,
			`ALTER TABLE "items" ADD CONSTRAINT "items_list_fkey" FOREIGN KEY (tenant_id, list_id) REFERENCES lists(tenant_id, id) ON DELETE CASCADE []`,
		}},
		{"distributed apart", map[string]citusTable{"tenants": held(citusReference, 0), "users": held(citusReference, 0), "lists": held(citusDistributed, 7), "items": held(citusDistributed, 8)}, true, []string{
			sequentialSQL,
			`ALTER TABLE "items" DROP CONSTRAINT "items_list_fkey" []`,
			`SELECT update_distributed_table_colocation($1, colocate_with => $2) ["lists" "items"]`,
			`ALTER TABLE "items" ADD CONSTRAINT "items_list_fkey" FOREIGN KEY (tenant_id, list_id) REFERENCES lists(tenant_id, id) ON DELETE CASCADE []`,
		}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range planCitus(citusFixture(tt.kinds, tt.login)) {
			if s.SQL == sequentialSQL {
				got = append(got, s.SQL)
				continue
			}
			got = append(got, fmt.Sprintf("%s %v", s.SQL, s.Args))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// TestCitusAnchor: the anchor is citusAnchorTable unless another tenant
// table is distributed already and it is not.
func TestCitusAnchor(t *testing.T) {
	tests := []struct {
		name   string
		tables []citusTable
		want   string
	}{
		{"members, nothing distributed", []citusTable{{Name: "api_keys", TenantID: true}, {Name: "members", TenantID: true}}, "members"},
		{"members distributed", []citusTable{{Name: "api_keys", TenantID: true, Kind: citusDistributed, Column: "tenant_id"},
			{Name: "members", TenantID: true, Kind: citusDistributed, Column: "tenant_id"}}, "members"},
		{"projects distributed by hand", []citusTable{{Name: "members", TenantID: true}, {Name: "projects", TenantID: true, Kind: citusDistributed, Column: "tenant_id"}}, "projects"},
		{"no members", []citusTable{{Name: "tenants"}, {Name: "notes", TenantID: true}}, "notes"},
		{"no tenant table", []citusTable{{Name: "tenants"}}, ""},
	}
	for _, tt := range tests {
		if got := (citusCatalog{Tables: tt.tables}).anchor(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestCitusBlockers names what the plan cannot do before any of it runs.
func TestCitusBlockers(t *testing.T) {
	setNull := func(c citusCatalog) citusCatalog {
		c.ForeignKeys[0].OnDelete = "n"
		c.ForeignKeys[0].Definition = "FOREIGN KEY (tenant_id, list_id) REFERENCES lists(tenant_id, id) ON DELETE SET NULL (list_id)"
		return c
	}
	updateCascade := func(c citusCatalog) citusCatalog {
		c.ForeignKeys[1].OnUpdate = "c"
		return c
	}
	globalToTenant := func(c citusCatalog) citusCatalog {
		c.ForeignKeys = append(c.ForeignKeys, citusForeignKey{Name: "users_list_fkey", Table: "users", RefTable: "lists", Columns: []string{"list_tenant_id", "list_id"}, OnDelete: "a", OnUpdate: "a"})
		return c
	}
	same := func(c citusCatalog) citusCatalog { return c }
	all := map[string]citusTable{"tenants": held(citusReference, 0), "users": held(citusReference, 0), "lists": held(citusDistributed, 3), "items": held(citusDistributed, 3)}
	tests := []struct {
		name  string
		kinds map[string]citusTable
		edit  func(citusCatalog) citusCatalog
		want  []string
	}{
		{"none", nil, same, nil},
		{"SET NULL between tenant tables", nil, setNull, []string{"foreign key items_list_fkey of table items is ON DELETE SET NULL"}},
		{"SET NULL on keys distributed already", all, setNull, nil},
		{"ON UPDATE CASCADE to tenants", nil, updateCascade, []string{"foreign key items_tenant_id_fkey of table items is ON UPDATE CASCADE"}},
		{"global SET NULL not on tenant_id", nil, same, nil},
		{"a global table referencing a tenant table", nil, globalToTenant, []string{"foreign key users_list_fkey of global table users references tenant table lists"}},
		{"tenant table by another column", map[string]citusTable{"lists": {Kind: citusDistributed, Column: "id", Colocation: 2}}, same,
			[]string{`table lists is distributed by "id", not tenant_id`}},
		{"tenant table as a reference table", map[string]citusTable{"lists": held(citusReference, 0)}, same, []string{"table lists has a tenant_id column but is a reference table"}},
		{"global table distributed", map[string]citusTable{"users": held(citusDistributed, 4)}, same, []string{"table users has no tenant_id column but is distributed"}},
	}
	for _, tt := range tests {
		got := citusBlockers(tt.edit(citusFixture(tt.kinds, true)))
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %q, want %d refusals %q", tt.name, got, len(tt.want), tt.want)
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], tt.want[i]) {
				t.Errorf("%s: refusal %d: got %q, want it to start with %q", tt.name, i, got[i], tt.want[i])
			}
		}
	}
}
