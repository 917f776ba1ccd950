package postgres

import (
	"context"
	neturl "net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
	"github.com/tenantry/tenantry/projects"
)

// TestCitusRefusal decides the start-up check from fixtures: each cause
// is named, several at once are all named, and a cluster set up as
// Tenantry needs it serves.
func TestCitusRefusal(t *testing.T) {
	good := func() citusFacts {
		return citusFacts{PropagateSetCommands: "local", Catalog: citusFixture(map[string]citusTable{
			"tenants": held(citusReference, 0), "users": held(citusReference, 0), "lists": held(citusDistributed, 3), "items": held(citusDistributed, 3)}, true)}
	}
	tests := []struct {
		name string
		edit func(*citusFacts)
		want []string
	}{
		{"ready", func(*citusFacts) {}, nil},
		{"setting not in force", func(f *citusFacts) { f.PropagateSetCommands = "none" }, []string{`citus.propagate_set_commands is "none"`}},
		{"setting unknown", func(f *citusFacts) { f.PropagateSetCommands = "" }, []string{`citus.propagate_set_commands is ""`}},
		{"tenant table on the coordinator only", func(f *citusFacts) { f.Catalog.Tables[0].Kind = citusLocal },
			[]string{"tenant table items is a table of the coordinator only, not distributed by tenant_id"}},
		{"tenant table as a reference table", func(f *citusFacts) { f.Catalog.Tables[0].Kind = citusReference },
			[]string{"tenant table items is a reference table, not distributed by tenant_id"}},
		{"tenant table by another column", func(f *citusFacts) { f.Catalog.Tables[1].Column = "id" },
			[]string{`tenant table lists is distributed by "id", not distributed by tenant_id`}},
		{"not co-located", func(f *citusFacts) { f.Catalog.Tables[1].Colocation = 4 }, []string{"tenant table lists is not co-located with items"}},
		{"role cannot log in", func(f *citusFacts) { f.Catalog.RoleCanLogin = false }, []string{"the runtime role tenantry_app cannot log in"}},
		{"a worker refuses the role", func(f *citusFacts) {
			f.Probe = `connection to the remote node tenantry_app@w1:5432 failed: FATAL: password authentication failed for user "tenantry_app"`
		}, []string{"a query as tenantry_app on every shard failed (connection to the remote node"}},
		{"several causes", func(f *citusFacts) {
			f.PropagateSetCommands = "none"
			f.Catalog.RoleCanLogin = false
		}, []string{"citus.propagate_set_commands", "the runtime role"}},
	}
	for _, tt := range tests {
		f := good()
		tt.edit(&f)
		err := citusRefusal(f)
		if tt.want == nil {
			if err != nil {
				t.Errorf("%s: got %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: got nil, want a refusal naming %q", tt.name, tt.want)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "postgres: refusing to serve on Citus: ") {
			t.Errorf("%s: got %q, want it to say it refuses to serve on Citus", tt.name, msg)
		}
		causes := strings.Split(strings.TrimPrefix(msg, "postgres: refusing to serve on Citus: "), "; ")
		if len(causes) != len(tt.want) {
			t.Errorf("%s: got causes %q, want %d", tt.name, causes, len(tt.want))
			continue
		}
		for i := range causes {
			if !strings.HasPrefix(causes[i], tt.want[i]) {
				t.Errorf("%s: cause %d: got %q, want it to start with %q", tt.name, i, causes[i], tt.want[i])
			}
		}
	}
}

func TestCitusTenantSetting(t *testing.T) {
	tests := []struct {
		citus   bool
		setting TenantSetting
		wantErr bool
	}{
		{false, SetLocal, false},
		{false, SetConfig, false},
		{true, SetLocal, false},
		{true, SetConfig, true},
	}
	for _, tt := range tests {
		err := citusTenantSetting(tt.citus, tt.setting)
		if (err != nil) != tt.wantErr {
			t.Errorf("citus %v, setting %v: got %v, want error %v", tt.citus, tt.setting, err, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "set-config") {
			t.Errorf("citus %v, setting %v: %v does not name set-config", tt.citus, tt.setting, err)
		}
	}
}

// fakeCitusCatalog gives the database at url the two objects of Citus's
// catalog that readCitusCatalog reads, in a schema citus_fake that
// connections with search_path=public,citus_fake find after pg_catalog:
// pg_dist_partition (its partkey holds the column name, which the fake
// column_to_column_name returns). Each table of distributed becomes a
// hash-distributed table in co-location group 5, each of reference a
// reference table.
func fakeCitusCatalog(t *testing.T, url string, distributed, reference []string) {
	t.Helper()
	ctx := context.Background()
	conn := connectOwner(t, url)
	for _, s := range []string{
		`CREATE SCHEMA citus_fake`,
		`CREATE TABLE citus_fake.pg_dist_partition (logicalrelid regclass, partmethod "char", partkey text, colocationid integer, repmodel "char")`,
		`CREATE FUNCTION citus_fake.column_to_column_name(regclass, text) RETURNS text LANGUAGE sql AS 'SELECT $2'`,
		`GRANT USAGE ON SCHEMA citus_fake TO ` + RuntimeRole,
		`GRANT SELECT ON citus_fake.pg_dist_partition TO ` + RuntimeRole,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for _, name := range distributed {
		if _, err := conn.Exec(ctx, `INSERT INTO citus_fake.pg_dist_partition VALUES ($1::text::regclass, 'h', 'tenant_id', 5, 's')`, ident(name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range reference {
		if _, err := conn.Exec(ctx, `INSERT INTO citus_fake.pg_dist_partition VALUES ($1::text::regclass, 'n', NULL, 1, 't')`, ident(name)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCitusFactsRead reads the start-up check's facts as the runtime role
// from a database whose Citus catalog is faked (citus_fake), with
// citus.propagate_set_commands set on the connections: every table is
// distributed as Tenantry needs but one, which the check names, with the
// runtime role (NOLOGIN on this server, where nothing makes it log in);
// the probe answers. The same catalog plans only what is left: a
// database converted in part is finished, not redone.
func TestCitusFactsRead(t *testing.T) {
	ctx := context.Background()
	base := pgtest.URL(t)
	openTest(t, base, Options{Extensions: []tenantry.Extension{projects.Extension()}})
	cat, err := readCitusCatalog(ctx, connectOwner(t, base), false)
	if err != nil {
		t.Fatal(err)
	}
	var distributed, reference []string
	for _, tb := range cat.Tables {
		switch {
		case tb.Name == "tasks":
		case tb.TenantID:
			distributed = append(distributed, tb.Name)
		default:
			reference = append(reference, tb.Name)
		}
	}
	fakeCitusCatalog(t, base, distributed, reference)

	u, err := neturl.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "public,citus_fake")
	q.Set("citus.propagate_set_commands", "local")
	u.RawQuery = q.Encode()
	f, err := openTest(t, u.String(), Options{Extensions: []tenantry.Extension{projects.Extension()}}).readCitusFacts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if f.PropagateSetCommands != "local" || f.Probe != "" || f.Catalog.RoleCanLogin {
		t.Errorf("facts: got setting %q, probe %q, role can log in %v; want local, \"\", false", f.PropagateSetCommands, f.Probe, f.Catalog.RoleCanLogin)
	}
	for _, tb := range f.Catalog.Tables {
		want := citusTable{Name: tb.Name, TenantID: tb.TenantID, Kind: citusReference}
		switch {
		case tb.Name == "tasks":
			want.Kind = citusPlain
		case tb.TenantID:
			want.Kind, want.Column, want.Colocation = citusDistributed, "tenant_id", 5
		}
		if tb != want {
			t.Errorf("table %s: got %+v, want %+v", tb.Name, tb, want)
		}
	}
	err = citusRefusal(f)
	if err == nil || !strings.Contains(err.Error(), "tenant table tasks is a table of the coordinator only") || !strings.Contains(err.Error(), "cannot log in") ||
		strings.Count(err.Error(), "; ") != 1 {
		t.Errorf("refusal: got %v, want tasks and the runtime role named, and nothing else", err)
	}
	var plan []string
	for _, s := range planCitus(f.Catalog) {
		plan = append(plan, s.SQL)
	}
	want := []string{sequentialSQL}
	var adds []string
	for _, fk := range f.Catalog.ForeignKeys {
		if ref := f.Catalog.table(fk.RefTable); fk.Table == "tasks" && ref.TenantID {
			want = append(want, `ALTER TABLE "tasks" DROP CONSTRAINT `+ident(fk.Name))
			adds = append(adds, `ALTER TABLE "tasks" ADD CONSTRAINT `+ident(fk.Name)+" "+fk.Definition)
		}
	}
	if len(adds) != 2 {
		t.Fatalf("tasks has %d foreign keys to tenant tables, want 2 (project and assignee)", len(adds))
	}
	want = append(want, `SELECT create_distributed_table($1, 'tenant_id', colocate_with => $2)`)
	want = append(append(want, adds...), `ALTER ROLE "tenantry_app" LOGIN`)
	if strings.Join(plan, "\n") != strings.Join(want, "\n") {
		t.Errorf("plan of the rest:\n%s\nwant:\n%s", strings.Join(plan, "\n"), strings.Join(want, "\n"))
	}
}

// TestOpenPlainPostgres: on a PostgreSQL without the citus extension Open
// distributes nothing, sets nothing of Citus's on its connections and
// leaves the runtime role as it was.
func TestOpenPlainPostgres(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, pgtest.URL(t), Options{})
	if db.citus {
		t.Fatal("a plain PostgreSQL was taken for Citus")
	}
	var setting string
	var login bool
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(current_setting('citus.propagate_set_commands', true), 'unset'), rolcanlogin
		FROM pg_roles WHERE rolname = current_user`).Scan(&setting, &login); err != nil {
		t.Fatal(err)
	}
	if setting != "unset" || login {
		t.Errorf("got citus.propagate_set_commands %q and LOGIN %v on a plain PostgreSQL, want unset and NOLOGIN", setting, login)
	}
}
