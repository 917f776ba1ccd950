package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tenantry/tenantry"
)

const tenantPlaceUsage = "usage: tenantry tenant place SLUG_OR_ID [--isolate] [--node HOST:PORT] [--mode block_writes|auto|force_logical]"

// runTenantPlace places one tenant's rows on a Citus cluster: --isolate
// gives them shards of their own, --node moves them to that worker, both
// do both in that order. Each change is audited in the platform trail with
// the system as actor. Any other database answers that it is not a Citus
// cluster.
func runTenantPlace(ctx context.Context, env *environment, args []string) error {
	fs := env.newFlagSet("tenantry tenant place")
	sf := env.addStoreFlags(fs)
	isolate := fs.Bool("isolate", false, "give the tenant shards of its own, shared with no other tenant")
	node := fs.String("node", "", "move the tenant's shards to this worker, host:port as the cluster names it (pg_dist_node)")
	mode := fs.String("mode", tenantry.PlaceBlockWrites, "how Citus copies the rows: block_writes (writes to the tenant wait for the copy), "+
		"auto or force_logical (logical replication, writes go on; needs citus in output_plugin_libraries on PostgreSQL 15.19 and later)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New(tenantPlaceUsage)
	}
	p := tenantry.TenantPlacement{Isolate: *isolate, Node: *node, Mode: *mode}
	if err := p.Validate(); err != nil {
		return describe(err)
	}
	db, err := sf.open(ctx, tenantry.DefaultPlans().WithExtensions(env.opts.Extensions))
	if err != nil {
		return err
	}
	defer db.Close()
	t, err := findTenant(ctx, db, pos[0])
	if err != nil {
		return describe(err)
	}
	placer, ok := db.(tenantry.TenantPlacer)
	if !ok {
		return describe(tenantry.NotCitus())
	}
	pl, err := placer.PlaceTenant(ctx, t.ID, p)
	if err != nil {
		return describe(err)
	}
	alone := "shared with other tenants"
	if pl.Isolated {
		alone = "isolated"
	}
	done := "already placed so"
	if len(pl.Done) > 0 {
		done = "done: " + strings.Join(pl.Done, ", ")
	}
	fmt.Fprintf(env.stdout, "%s: shard %d on %s, %s (%s)\n", t.Slug, pl.Shard, pl.Node, alone, done)
	return nil
}
