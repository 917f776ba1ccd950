package postgres

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/internal/pgtest"
)

// TestPlacementSteps pins the SQL a placement sends to Citus for each
// request and starting point.
func TestPlacementSteps(t *testing.T) {
	const id = "0198e7c1-8c2e-7f3a-9b1d-2f5c6a7b8c9d"
	const (
		isolateSQL = `SELECT isolate_tenant_to_new_shard($1, $2::uuid, 'CASCADE', $3::text::citus.shard_transfer_mode)`
		moveSQL    = `SELECT citus_move_shard_placement(get_shard_id_for_distribution_column($1, $2::uuid), $3, $4, $5, $6, $7::text::citus.shard_transfer_mode)`
	)
	shared := tenantLocation{Shard: 102008, Host: "w1", Port: 5432}
	alone := tenantLocation{Shard: 102240, Host: "w1", Port: 5432, Isolated: true}
	workers := []string{"w1:5432", "w2:5432"}
	tests := []struct {
		name     string
		p        tenantry.TenantPlacement
		at       tenantLocation
		want     []string
		wantCode string
	}{
		{"isolate", tenantry.TenantPlacement{Isolate: true}, shared, []string{
			fmt.Sprintf("tenant.isolate %s %v", isolateSQL, []any{`"members"`, id, "block_writes"})}, ""},
		{"isolate, already alone", tenantry.TenantPlacement{Isolate: true}, alone, nil, ""},
		{"move", tenantry.TenantPlacement{Node: "w2:5432", Mode: "force_logical"}, shared, []string{
			fmt.Sprintf("tenant.move %s %v", moveSQL, []any{`"members"`, id, "w1", 5432, "w2", 5432, "force_logical"})}, ""},
		{"isolate and move", tenantry.TenantPlacement{Isolate: true, Node: "w2:5432", Mode: "auto"}, shared, []string{
			fmt.Sprintf("tenant.isolate %s %v", isolateSQL, []any{`"members"`, id, "auto"}),
			fmt.Sprintf("tenant.move %s %v", moveSQL, []any{`"members"`, id, "w1", 5432, "w2", 5432, "auto"})}, ""},
		{"isolated and moved already", tenantry.TenantPlacement{Isolate: true, Node: "w1:5432"}, alone, nil, ""},
		{"move to where it is", tenantry.TenantPlacement{Node: "w1:5432"}, shared, nil, ""},
		{"move to no worker", tenantry.TenantPlacement{Node: "w9:5432"}, shared, nil, tenantry.EINVALID},
	}
	for _, tt := range tests {
		p := tt.p
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		steps, err := placementSteps("members", id, p, tt.at, workers)
		if got := tenantry.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: got error %v, want code %q", tt.name, err, tt.wantCode)
			continue
		}
		var got []string
		for _, s := range steps {
			got = append(got, fmt.Sprintf("%s %s %v", s.Action, s.Stmt.SQL, s.Stmt.Args))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// TestLogicalCopyRefusal: a copy by logical replication needs citus in
// output_plugin_libraries on every node that has the setting; block_writes
// needs nothing.
func TestLogicalCopyRefusal(t *testing.T) {
	without := nodeSetting{Node: "w2:5432", Known: true, Value: "pgoutput, test_decoding"}
	with := nodeSetting{Node: "w1:5432", Known: true, Value: "pgoutput, test_decoding, citus"}
	older := nodeSetting{Node: "w3:5432"}
	tests := []struct {
		name  string
		mode  string
		nodes []nodeSetting
		want  string
	}{
		{"block_writes", tenantry.PlaceBlockWrites, []nodeSetting{without}, ""},
		{"auto, citus listed", tenantry.PlaceAuto, []nodeSetting{with, older}, ""},
		{"auto, a node without", tenantry.PlaceAuto, []nodeSetting{with, without, older}, "it does not on w2:5432."},
		{"force_logical, two without", tenantry.PlaceForceLogical, []nodeSetting{without, {Node: "the coordinator", Known: true, Value: ""}},
			"it does not on w2:5432, the coordinator."},
	}
	for _, tt := range tests {
		err := logicalCopyRefusal(tt.mode, tt.nodes)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: got %v, want nil", tt.name, err)
		case tt.want != "" && (tenantry.ErrorCode(err) != tenantry.ECONFLICT || !strings.Contains(tenantry.ErrorMessage(err), tt.want)):
			t.Errorf("%s: got %v, want a conflict saying %q", tt.name, err, tt.want)
		}
	}
}

func TestListsCitus(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"pgoutput, test_decoding, citus", true},
		{"citus", true},
		{`pgoutput,"citus"`, true},
		{"pgoutput, test_decoding", false},
		{"citus_decoders", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := listsCitus(tt.in); got != tt.want {
			t.Errorf("listsCitus(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestPlaceTenantPlainPostgres: on a plain PostgreSQL a placement is
// refused with a conflict, after its validation, and audits nothing.
func TestPlaceTenantPlainPostgres(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, pgtest.URL(t), Options{})
	_, tn, err := db.Signup(ctx, tenantry.UserCreate{Email: "place@example.com", Name: "place", PasswordHash: "x"},
		&tenantry.TenantCreate{Name: "Place", Slug: "place", Plan: "pro"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		id       string
		p        tenantry.TenantPlacement
		wantCode string
	}{
		{"isolate", tn.ID, tenantry.TenantPlacement{Isolate: true}, tenantry.ECONFLICT},
		{"move", tn.ID, tenantry.TenantPlacement{Node: "w2:5432", Mode: tenantry.PlaceAuto}, tenantry.ECONFLICT},
		{"nothing asked", tn.ID, tenantry.TenantPlacement{}, tenantry.EINVALID},
		{"not an id", "place", tenantry.TenantPlacement{Isolate: true}, tenantry.ETENANTNOTFOUND},
	}
	for _, tt := range tests {
		got, err := db.PlaceTenant(ctx, tt.id, tt.p)
		if code := tenantry.ErrorCode(err); code != tt.wantCode || got != nil {
			t.Errorf("%s: got %+v, %v; want code %s", tt.name, got, err, tt.wantCode)
		}
		if tt.wantCode == tenantry.ECONFLICT && tenantry.ErrorMessage(err) != "This database is not a Citus cluster." {
			t.Errorf("%s: got message %q", tt.name, tenantry.ErrorMessage(err))
		}
	}
	events, _, err := db.Platform().AuditEvents(ctx, tenantry.AuditFilter{TenantID: tn.ID, Action: "tenant.isolate"})
	if err != nil || len(events) != 0 {
		t.Errorf("platform trail: got %d tenant.isolate events, %v; want none", len(events), err)
	}
}

// TestPlacementCatalogRead reads where a tenant is, the workers and
// output_plugin_libraries through faked Citus catalog objects (shard
// 102008 on w1:5432 holding a hash range, w1 and w2 active workers, and
// run_command_on_workers running its command here for a worker w2): the
// queries' shapes, and this server's own output_plugin_libraries
// (PostgreSQL 15.20 has it, without citus), which refuses a logical copy.
func TestPlacementCatalogRead(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	openTest(t, url, Options{})
	conn := connectOwner(t, url)
	for _, s := range []string{
		`CREATE SCHEMA citus_fake`,
		`CREATE TABLE citus_fake.pg_dist_shard (logicalrelid regclass, shardid bigint, shardminvalue text, shardmaxvalue text)`,
		`CREATE TABLE citus_fake.pg_dist_shard_placement (shardid bigint, nodename text, nodeport integer, placementid bigint)`,
		`CREATE TABLE citus_fake.pg_dist_node (nodeid integer, nodename text, nodeport integer, isactive boolean, noderole text, shouldhaveshards boolean)`,
		`CREATE FUNCTION citus_fake.get_shard_id_for_distribution_column(regclass, uuid) RETURNS bigint LANGUAGE sql AS 'SELECT 102008::bigint'`,
		`CREATE FUNCTION citus_fake.run_command_on_workers(cmd text, OUT nodename text, OUT nodeport integer, OUT success boolean, OUT result text)
			RETURNS SETOF record LANGUAGE plpgsql AS $$
			DECLARE r text;
			BEGIN
				EXECUTE cmd INTO r;
				RETURN QUERY SELECT 'w2'::text, 5432, true, r;
			END $$`,
		`INSERT INTO citus_fake.pg_dist_shard VALUES ('members', 102008, '-2147483648', '-1073741825'), ('members', 102009, '-1073741824', '-1073741824')`,
		`INSERT INTO citus_fake.pg_dist_shard_placement VALUES (102008, 'w1', 5432, 1), (102009, 'w2', 5432, 2)`,
		`INSERT INTO citus_fake.pg_dist_node VALUES (1, 'w1', 5432, true, 'primary', true), (2, 'w2', 5432, true, 'primary', true),
			(3, 'c', 5432, true, 'primary', false), (4, 'w1r', 5432, true, 'secondary', true)`,
		`SET search_path = public, citus_fake`,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	at, err := locateTenant(ctx, conn, "members", tenantry.NewID())
	if err != nil {
		t.Fatal(err)
	}
	if want := (tenantLocation{Shard: 102008, Host: "w1", Port: 5432}); at != want {
		t.Errorf("location: got %+v, want %+v", at, want)
	}
	workers, err := readWorkers(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"w1:5432", "w2:5432"}; !reflect.DeepEqual(workers, want) {
		t.Errorf("workers: got %q, want %q", workers, want)
	}
	nodes, err := readOutputPlugins(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	// The fake worker is this server too: both read the same setting.
	if len(nodes) != 2 || nodes[0].Node != "the coordinator" || nodes[1].Node != "w2:5432" ||
		nodes[0].Known != nodes[1].Known || nodes[0].Value != nodes[1].Value {
		t.Fatalf("output_plugin_libraries: got %+v", nodes)
	}
	if !nodes[0].Known {
		t.Skipf("this PostgreSQL has no output_plugin_libraries (before 15.19): nothing to refuse")
	}
	err = logicalCopyRefusal(tenantry.PlaceAuto, nodes)
	if tenantry.ErrorCode(err) != tenantry.ECONFLICT || !strings.Contains(tenantry.ErrorMessage(err), "the coordinator, w2:5432") {
		t.Errorf("logical copy with %q: got %v, want a conflict naming both nodes", nodes[0].Value, err)
	}
}
