package postgres

import (
	"context"
	"fmt"
	"strings"
)

// citusFacts are what the start-up check on a Citus coordinator reads, as
// the runtime role on a pooled connection.
type citusFacts struct {
	// PropagateSetCommands is citus.propagate_set_commands on the
	// connection.
	PropagateSetCommands string
	// Catalog is the schema as the distribution plan reads it.
	Catalog citusCatalog
	// Probe is the error of a query on every shard of the anchor table, as
	// the runtime role (it connects to every worker as that role); "" when
	// it answered.
	Probe string
}

// citusRefusal returns why the server must not serve on a Citus
// coordinator with facts f, naming every cause and its fix, or nil: the
// workers must see the transaction's tenant (propagate_set_commands
// 'local'), every tenant table must be distributed by tenant_id and
// co-located with the others (else a tenant's rows and joins are not on
// one node), and the runtime role must log in on every node (Citus reaches
// the workers as the current role).
func citusRefusal(f citusFacts) error {
	var causes []string
	if f.PropagateSetCommands != "local" {
		causes = append(causes, fmt.Sprintf("citus.propagate_set_commands is %q on the server's connections, not 'local': "+
			"the workers would not see SET LOCAL app.tenant_id, reads would find nothing and writes would be refused", f.PropagateSetCommands))
	}
	anchor := f.Catalog.table(f.Catalog.anchor())
	for _, t := range f.Catalog.Tables {
		switch {
		case !t.TenantID:
		case !t.byTenant():
			causes = append(causes, fmt.Sprintf("tenant table %s is %s, not distributed by tenant_id: run tenantry migrate", t.Name, describeKind(t)))
		case anchor != nil && anchor.byTenant() && t.Colocation != anchor.Colocation:
			causes = append(causes, fmt.Sprintf("tenant table %s is not co-located with %s: run tenantry migrate", t.Name, anchor.Name))
		}
	}
	if !f.Catalog.RoleCanLogin {
		causes = append(causes, fmt.Sprintf("the runtime role %s cannot log in (NOLOGIN), and Citus connects to the workers as it: run tenantry migrate", RuntimeRole))
	}
	if f.Probe != "" {
		causes = append(causes, fmt.Sprintf("a query as %s on every shard failed (%s): every worker must let %s log in from the coordinator "+
			"(pg_hba.conf, a password in pg_dist_authinfo, or the coordinator's .pgpass)", RuntimeRole, f.Probe, RuntimeRole))
	}
	if len(causes) == 0 {
		return nil
	}
	return fmt.Errorf("postgres: refusing to serve on Citus: %s", strings.Join(causes, "; "))
}

// describeKind says how Citus holds t, for a refusal.
func describeKind(t citusTable) string {
	switch t.Kind {
	case citusPlain, citusLocal:
		return "a table of the coordinator only"
	case citusReference:
		return "a reference table"
	}
	return fmt.Sprintf("distributed by %q", t.Column)
}

// checkCitus refuses to serve on a Citus coordinator while citusRefusal
// has a cause; it does nothing on a plain PostgreSQL.
func (db *DB) checkCitus(ctx context.Context) error {
	if !db.citus {
		return nil
	}
	f, err := db.readCitusFacts(ctx)
	if err != nil {
		return fmt.Errorf("postgres: check Citus: %w", err)
	}
	return citusRefusal(f)
}

// readCitusFacts reads the facts of the start-up check through the pool,
// as the runtime role.
func (db *DB) readCitusFacts(ctx context.Context) (citusFacts, error) {
	var f citusFacts
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(current_setting('citus.propagate_set_commands', true), '')`).Scan(&f.PropagateSetCommands); err != nil {
		return f, err
	}
	var err error
	if f.Catalog, err = readCitusCatalog(ctx, db.pool, true); err != nil {
		return f, err
	}
	if anchor := f.Catalog.anchor(); anchor != "" {
		// No tenant is set: row level security shows no row, but every
		// shard answers.
		if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM `+ident(anchor)).Scan(new(int64)); err != nil {
			f.Probe = err.Error()
		}
	}
	return f, nil
}
