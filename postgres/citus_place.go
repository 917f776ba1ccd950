package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

var _ tenantry.TenantPlacer = (*DB)(nil)

// tenantLocation is where a tenant's rows of the anchor table are: the
// shard, the node holding it, and whether the shard holds that tenant
// only (its hash range is one value).
type tenantLocation struct {
	Shard    int64
	Host     string
	Port     int
	Isolated bool
}

// node returns host:port of the location.
func (l tenantLocation) node() string { return net.JoinHostPort(l.Host, strconv.Itoa(l.Port)) }

// placementStep is one change of a placement: its audit action and the
// statement that makes it.
type placementStep struct {
	Action string
	Stmt   citusStmt
}

// placementSteps returns the statements that place tenantID as p asks,
// from where it is (at), skipping what is so already: isolate the tenant
// to shards of its own, on the anchor with CASCADE so that the co-located
// shards of every tenant table split with it; then move the anchor's shard
// that holds the tenant, which moves the co-located shards with it, from
// its node to p.Node. Isolating keeps the new shards on the node, and the
// move finds the tenant's shard when it runs. p.Node must be one of
// workers (validation_failed).
func placementSteps(anchor, tenantID string, p tenantry.TenantPlacement, at tenantLocation, workers []string) ([]placementStep, error) {
	var steps []placementStep
	if p.Isolate && !at.Isolated {
		steps = append(steps, placementStep{Action: "tenant.isolate", Stmt: citusStmt{
			SQL:  `SELECT isolate_tenant_to_new_shard($1, $2::uuid, 'CASCADE', $3::text::citus.shard_transfer_mode)`,
			Args: []any{ident(anchor), tenantID, p.Mode}}})
	}
	if p.Node == "" || p.Node == at.node() {
		return steps, nil
	}
	if !slices.Contains(workers, p.Node) {
		return nil, tenantry.Invalid(map[string]string{"node": "must be an active worker of the cluster"})
	}
	host, port, err := net.SplitHostPort(p.Node)
	if err != nil {
		return nil, tenantry.Invalid(map[string]string{"node": "must be host:port"})
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return nil, tenantry.Invalid(map[string]string{"node": "must be host:port"})
	}
	steps = append(steps, placementStep{Action: "tenant.move", Stmt: citusStmt{
		SQL:  `SELECT citus_move_shard_placement(get_shard_id_for_distribution_column($1, $2::uuid), $3, $4, $5, $6, $7::text::citus.shard_transfer_mode)`,
		Args: []any{ident(anchor), tenantID, at.Host, at.Port, host, n, p.Mode}}})
	return steps, nil
}

// nodeSetting is output_plugin_libraries on one node; Known is unset when
// the node's PostgreSQL has no such setting (before 14.24, 15.19, 16.15,
// 17.11 and 18.6), which restricts no output plugin.
type nodeSetting struct {
	Node  string
	Known bool
	Value string
}

// logicalCopyRefusal refuses a placement in mode auto or force_logical
// when a node's output_plugin_libraries leaves out citus: Citus copies
// with logical replication through its output plugin named citus, which
// PostgreSQL 15.19 and later load only when that setting lists it.
func logicalCopyRefusal(mode string, nodes []nodeSetting) error {
	if mode == tenantry.PlaceBlockWrites {
		return nil
	}
	var missing []string
	for _, n := range nodes {
		if n.Known && !listsCitus(n.Value) {
			missing = append(missing, n.Node)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return tenantry.Errorf(tenantry.ECONFLICT, "Mode %s copies with logical replication, which needs output_plugin_libraries to include citus "+
		"(PostgreSQL 15.19 and later); it does not on %s. Add citus to it on every node and reload, or use mode block_writes.",
		mode, strings.Join(missing, ", "))
}

// listsCitus reports whether a list of libraries names citus.
func listsCitus(list string) bool {
	for _, lib := range strings.Split(list, ",") {
		if strings.EqualFold(strings.Trim(strings.TrimSpace(lib), `"`), "citus") {
			return true
		}
	}
	return false
}

// PlaceTenant places a tenant's rows on the Citus cluster as p asks
// (placementSteps), as the owner of the tables (Citus's functions want
// it), and audits each step in the platform trail once it is done
// (tenant.isolate, tenant.move). Citus runs these steps outside any
// transaction of the caller, so a step that fails leaves the ones before
// it done and audited. It refuses on a database that is not a Citus
// cluster (conflict), and a logical copy that a node's
// output_plugin_libraries would refuse, before changing anything.
func (db *DB) PlaceTenant(ctx context.Context, tenantID string, p tenantry.TenantPlacement) (*tenantry.Placement, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	id, ok := tenantry.ParseID(tenantID)
	if !ok {
		return nil, notFoundTenant()
	}
	if !db.citus {
		return nil, tenantry.NotCitus()
	}
	if _, err := db.TenantByID(ctx, id); err != nil {
		return nil, err
	}
	conn, err := db.ownerConn(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	defer conn.Close(ctx)
	cat, err := readCitusCatalog(ctx, conn, true)
	if err != nil {
		return nil, fmt.Errorf("postgres: place tenant: %w", err)
	}
	anchor := cat.anchor()
	if t := cat.table(anchor); t == nil || !t.byTenant() {
		return nil, tenantry.Errorf(tenantry.ECONFLICT, "The tenant tables are not distributed yet: run tenantry migrate.")
	}
	if p.Mode != tenantry.PlaceBlockWrites {
		nodes, err := readOutputPlugins(ctx, conn)
		if err != nil {
			return nil, fmt.Errorf("postgres: place tenant: %w", err)
		}
		if err := logicalCopyRefusal(p.Mode, nodes); err != nil {
			return nil, err
		}
	}
	at, err := locateTenant(ctx, conn, anchor, id)
	if err != nil {
		return nil, fmt.Errorf("postgres: place tenant: %w", err)
	}
	workers, err := readWorkers(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("postgres: place tenant: %w", err)
	}
	steps, err := placementSteps(anchor, id, p, at, workers)
	if err != nil {
		return nil, err
	}
	done := []string{}
	for _, st := range steps {
		if _, err := conn.Exec(ctx, st.Stmt.SQL, st.Stmt.Args...); err != nil {
			return nil, fmt.Errorf("postgres: place tenant: %s: %w", st.Action, err)
		}
		if err := db.auditPlacement(ctx, id, st.Action, p, at); err != nil {
			return nil, err
		}
		done = append(done, strings.TrimPrefix(st.Action, "tenant."))
	}
	if at, err = locateTenant(ctx, conn, anchor, id); err != nil {
		return nil, fmt.Errorf("postgres: place tenant: %w", err)
	}
	return &tenantry.Placement{TenantID: id, Shard: at.Shard, Node: at.node(), Isolated: at.Isolated, Done: done}, nil
}

// auditPlacement writes a placement step to the platform trail.
func (db *DB) auditPlacement(ctx context.Context, id, action string, p tenantry.TenantPlacement, from tenantLocation) error {
	ev := tenantry.NewAuditEvent(ctx, id, action, "tenant", id)
	data := map[string]any{"mode": p.Mode, "from_shard": from.Shard, "from_node": from.node()}
	if action == "tenant.move" {
		data["to_node"] = p.Node
	}
	var err error
	if ev.Data, err = json.Marshal(data); err != nil {
		return err
	}
	return db.globalWrite(ctx, func(tx core.GlobalTx) error { return tx.PlatformAudit(ctx, ev) })
}

// locateTenant reads where tenantID's rows of anchor are.
func locateTenant(ctx context.Context, q pgQuerier, anchor, tenantID string) (tenantLocation, error) {
	var l tenantLocation
	err := q.QueryRow(ctx, `SELECT s.shardid, s.shardminvalue = s.shardmaxvalue, p.nodename, p.nodeport
		FROM pg_dist_shard s JOIN pg_dist_shard_placement p ON p.shardid = s.shardid
		WHERE s.shardid = get_shard_id_for_distribution_column($1, $2::uuid)
		ORDER BY p.placementid LIMIT 1`, ident(anchor), tenantID).Scan(&l.Shard, &l.Isolated, &l.Host, &l.Port)
	return l, err
}

// readWorkers returns host:port of every active primary node that may
// hold shards.
func readWorkers(ctx context.Context, q pgQuerier) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT nodename, nodeport FROM pg_dist_node
		WHERE isactive AND noderole = 'primary' AND shouldhaveshards ORDER BY nodeid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var host string
		var port int
		if err := rows.Scan(&host, &port); err != nil {
			return nil, err
		}
		out = append(out, net.JoinHostPort(host, strconv.Itoa(port)))
	}
	return out, rows.Err()
}

// readOutputPlugins reads output_plugin_libraries on the coordinator and
// on every worker.
func readOutputPlugins(ctx context.Context, q pgQuerier) ([]nodeSetting, error) {
	const setting = `SELECT json_build_object('known', current_setting('output_plugin_libraries', true) IS NOT NULL,
		'value', coalesce(current_setting('output_plugin_libraries', true), ''))::text`
	var local string
	if err := q.QueryRow(ctx, setting).Scan(&local); err != nil {
		return nil, err
	}
	out := []nodeSetting{{Node: "the coordinator"}}
	if err := decodeSetting(local, &out[0]); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT nodename, nodeport, success, result FROM run_command_on_workers($1)`, setting)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var host, result string
		var port int
		var success bool
		if err := rows.Scan(&host, &port, &success, &result); err != nil {
			return nil, err
		}
		if !success {
			return nil, fmt.Errorf("read output_plugin_libraries on %s:%d: %s", host, port, result)
		}
		n := nodeSetting{Node: net.JoinHostPort(host, strconv.Itoa(port))}
		if err := decodeSetting(result, &n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// decodeSetting reads the {known, value} object of readOutputPlugins.
func decodeSetting(raw string, n *nodeSetting) error {
	var v struct {
		Known bool   `json:"known"`
		Value string `json:"value"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return fmt.Errorf("read output_plugin_libraries of %s: %w", n.Node, err)
	}
	n.Known, n.Value = v.Known, v.Value
	return nil
}
