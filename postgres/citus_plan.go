package postgres

import (
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// citusKind is how Citus holds a table.
type citusKind string

const (
	// citusPlain is a table Citus does not know.
	citusPlain citusKind = ""
	// citusLocal is a table in Citus's metadata that stays on the
	// coordinator: Citus makes one of a plain table that gets a foreign key
	// to a reference table.
	citusLocal citusKind = "local"
	// citusReference is a table copied to every node.
	citusReference citusKind = "reference"
	// citusDistributed is a table hash-distributed by a column.
	citusDistributed citusKind = "distributed"
	// citusOther is a table distributed another way (append, range).
	citusOther citusKind = "other"
)

// citusAnchorTable is the tenant table every other tenant table is
// co-located with, when nothing is distributed yet: a table of Tenantry's
// schema since version 1, in which every tenant has rows.
const citusAnchorTable = "members"

// citusTable is one table of the schema as the distribution plan sees it.
type citusTable struct {
	Name string `json:"name"`
	// TenantID is set when the table has a tenant_id column: a tenant
	// table, distributed by it; any other table is global, a reference
	// table.
	TenantID bool      `json:"tenant_id,omitempty"`
	Kind     citusKind `json:"kind,omitempty"`
	// Column is the distribution column of a distributed table.
	Column string `json:"column,omitempty"`
	// Colocation is the co-location group of a distributed table.
	Colocation int `json:"colocation,omitempty"`
}

// citusForeignKey is one foreign key between tables of the schema.
type citusForeignKey struct {
	Name     string   `json:"name"`
	Table    string   `json:"table"`
	RefTable string   `json:"ref_table"`
	Columns  []string `json:"columns"`
	// OnDelete and OnUpdate are pg_constraint's confdeltype and
	// confupdtype: a (no action), r (restrict), c (cascade), n (set null)
	// or d (set default).
	OnDelete string `json:"on_delete"`
	OnUpdate string `json:"on_update"`
	// Definition is the key as pg_get_constraintdef writes it, to add it
	// back as it was.
	Definition string `json:"definition"`
}

// citusCatalog is what the distribution plan reads of a database: the
// tables of its current schema (partitions aside) in name order, the
// foreign keys between them by table and name, and whether the runtime
// role may log in.
type citusCatalog struct {
	Tables       []citusTable      `json:"tables"`
	ForeignKeys  []citusForeignKey `json:"foreign_keys"`
	RoleCanLogin bool              `json:"role_can_login"`
}

// citusStmt is one statement of a plan, with its arguments.
type citusStmt struct {
	SQL  string
	Args []any
}

// table returns the table named name, or nil.
func (c citusCatalog) table(name string) *citusTable {
	for i := range c.Tables {
		if c.Tables[i].Name == name {
			return &c.Tables[i]
		}
	}
	return nil
}

// byTenant reports whether t is hash-distributed by tenant_id.
func (t citusTable) byTenant() bool {
	return t.Kind == citusDistributed && t.Column == "tenant_id"
}

// anchor returns the tenant table the others are co-located with: the
// first tenant table already distributed by tenant_id (citusAnchorTable
// first), else citusAnchorTable, else the first tenant table; "" when
// there is none.
func (c citusCatalog) anchor() string {
	if t := c.table(citusAnchorTable); t != nil && t.TenantID && t.byTenant() {
		return t.Name
	}
	for _, t := range c.Tables {
		if t.TenantID && t.byTenant() {
			return t.Name
		}
	}
	if t := c.table(citusAnchorTable); t != nil && t.TenantID {
		return t.Name
	}
	for _, t := range c.Tables {
		if t.TenantID {
			return t.Name
		}
	}
	return ""
}

// citusWork is what a plan changes: the global tables that become
// reference tables (referenced ones first), the tenant tables to
// distribute and to co-locate again, and the foreign keys between tenant
// tables dropped before and added back after.
type citusWork struct {
	anchor     string
	reference  []string
	distribute []string
	colocate   []string
	keys       []citusForeignKey
}

// work works out what c needs.
func (c citusCatalog) work() citusWork {
	w := citusWork{anchor: c.anchor()}
	w.reference = c.references()
	moving := map[string]bool{}
	w.distribute, w.colocate = c.moves(w.anchor, moving)
	for _, fk := range c.ForeignKeys {
		from, to := c.table(fk.Table), c.table(fk.RefTable)
		if from != nil && to != nil && from.TenantID && to.TenantID && (moving[from.Name] || moving[to.Name]) {
			w.keys = append(w.keys, fk)
		}
	}
	return w
}

// references returns the global tables that must become reference
// tables, each after the global tables it references.
func (c citusCatalog) references() []string {
	var out []string
	seen := map[string]bool{}
	var visit func(t citusTable)
	visit = func(t citusTable) {
		if seen[t.Name] {
			return
		}
		seen[t.Name] = true
		for _, fk := range c.ForeignKeys {
			if ref := c.table(fk.RefTable); fk.Table == t.Name && ref != nil && !ref.TenantID {
				visit(*ref)
			}
		}
		if t.Kind == citusPlain || t.Kind == citusLocal {
			out = append(out, t.Name)
		}
	}
	for _, t := range c.Tables {
		if !t.TenantID {
			visit(t)
		}
	}
	return out
}

// moves returns the tenant tables to distribute (the anchor first) and
// those distributed by tenant_id but not co-located with the anchor,
// noting each in moving.
func (c citusCatalog) moves(anchor string, moving map[string]bool) (distribute, colocate []string) {
	var group int
	if a := c.table(anchor); a != nil && a.byTenant() {
		group = a.Colocation
	}
	for _, t := range c.Tables {
		switch {
		case !t.TenantID:
		case t.Kind == citusPlain || t.Kind == citusLocal:
			moving[t.Name] = true
			if t.Name == anchor {
				distribute = append([]string{t.Name}, distribute...)
			} else {
				distribute = append(distribute, t.Name)
			}
		case t.byTenant() && group != 0 && t.Colocation != group:
			moving[t.Name] = true
			colocate = append(colocate, t.Name)
		}
	}
	return distribute, colocate
}

// planCitus returns the statements, in the one order Citus accepts, that
// make the tables of c what Tenantry needs on Citus, in one transaction:
// global tables become reference tables (the ones they reference first),
// the foreign keys between tenant tables are dropped, every tenant table
// is distributed by tenant_id co-located with the anchor (or co-located
// with it again), the keys are added back, and the runtime role may log
// in (Citus reaches the workers as the current role). What is done
// already is skipped: nil when nothing is left.
func planCitus(c citusCatalog) []citusStmt {
	w := c.work()
	if len(w.reference)+len(w.distribute)+len(w.colocate) == 0 && c.RoleCanLogin {
		return nil
	}
	// Creating a distributed table with a foreign key to a reference table
	// after parallel work in the same transaction fails; sequential mode
	// makes the whole plan one transaction Citus accepts.
	plan := []citusStmt{{SQL: "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"}}
	for _, t := range w.reference {
		plan = append(plan, citusStmt{SQL: "SELECT create_reference_table($1)", Args: []any{ident(t)}})
	}
	for _, fk := range w.keys {
		plan = append(plan, citusStmt{SQL: "ALTER TABLE " + ident(fk.Table) + " DROP CONSTRAINT " + ident(fk.Name)})
	}
	for _, t := range w.distribute {
		if t == w.anchor {
			plan = append(plan, citusStmt{SQL: "SELECT create_distributed_table($1, 'tenant_id', colocate_with => 'none')", Args: []any{ident(t)}})
			continue
		}
		plan = append(plan, citusStmt{SQL: "SELECT create_distributed_table($1, 'tenant_id', colocate_with => $2)", Args: []any{ident(t), ident(w.anchor)}})
	}
	for _, t := range w.colocate {
		plan = append(plan, citusStmt{SQL: "SELECT update_distributed_table_colocation($1, colocate_with => $2)", Args: []any{ident(t), ident(w.anchor)}})
	}
	for _, fk := range w.keys {
		plan = append(plan, citusStmt{SQL: "ALTER TABLE " + ident(fk.Table) + " ADD CONSTRAINT " + ident(fk.Name) + " " + fk.Definition})
	}
	if !c.RoleCanLogin {
		plan = append(plan, citusStmt{SQL: "ALTER ROLE " + ident(RuntimeRole) + " LOGIN"})
	}
	return plan
}

// citusBlockers returns what stops the plan of c, each naming the table
// or key and the fix, before any of it runs: a tenant table distributed
// otherwise than by tenant_id, a global table distributed (not a
// reference table), a reference table's foreign key to a tenant table,
// and a foreign key on tenant_id that Citus refuses on a distribution
// column (ON DELETE SET NULL or SET DEFAULT, ON UPDATE SET NULL, SET
// DEFAULT or CASCADE) of a table the plan distributes or a key it adds
// back.
func citusBlockers(c citusCatalog) []string {
	return append(c.tableBlockers(), c.keyBlockers(c.work())...)
}

// tableBlockers says which tables are distributed in a way the plan
// cannot change.
func (c citusCatalog) tableBlockers() []string {
	var out []string
	for _, t := range c.Tables {
		switch {
		case t.TenantID && t.Kind == citusReference:
			out = append(out, fmt.Sprintf("table %s has a tenant_id column but is a reference table: undistribute_table it, and migrate distributes it by tenant_id", t.Name))
		case t.TenantID && (t.Kind == citusOther || t.Kind == citusDistributed && t.Column != "tenant_id"):
			out = append(out, fmt.Sprintf("table %s is distributed by %q, not tenant_id: undistribute_table it, and migrate distributes it by tenant_id", t.Name, t.Column))
		case !t.TenantID && (t.Kind == citusDistributed || t.Kind == citusOther):
			out = append(out, fmt.Sprintf("table %s has no tenant_id column but is distributed: undistribute_table it, and migrate makes it a reference table", t.Name))
		}
	}
	return out
}

// keyBlockers says which foreign keys Citus refuses: from a global table
// to a tenant table, and an action it refuses on tenant_id in a key of a
// table w distributes or a key w adds back.
func (c citusCatalog) keyBlockers(w citusWork) []string {
	var out []string
	readded := map[string]bool{}
	for _, fk := range w.keys {
		readded[fk.Table+"."+fk.Name] = true
	}
	for _, fk := range c.ForeignKeys {
		from, to := c.table(fk.Table), c.table(fk.RefTable)
		if from == nil || to == nil {
			continue
		}
		if !from.TenantID && to.TenantID {
			out = append(out, fmt.Sprintf("foreign key %s of global table %s references tenant table %s: Citus refuses keys from reference tables to distributed tables", fk.Name, fk.Table, fk.RefTable))
			continue
		}
		touched := readded[fk.Table+"."+fk.Name] || slices.Contains(w.distribute, fk.Table)
		if !from.TenantID || !touched || !slices.Contains(fk.Columns, "tenant_id") {
			continue
		}
		if action := refusedAction(fk); action != "" {
			out = append(out, fmt.Sprintf("foreign key %s of table %s is %s: Citus refuses it on a key that includes the distribution column tenant_id (use NO ACTION, RESTRICT or, on delete, CASCADE, and change the rows in code)", fk.Name, fk.Table, action))
		}
	}
	return out
}

// refusedAction names the action of fk that Citus refuses on a key with
// the distribution column, or "".
func refusedAction(fk citusForeignKey) string {
	names := map[string]string{"n": "SET NULL", "d": "SET DEFAULT", "c": "CASCADE"}
	switch {
	case fk.OnDelete == "n" || fk.OnDelete == "d":
		return "ON DELETE " + names[fk.OnDelete]
	case fk.OnUpdate == "n" || fk.OnUpdate == "d" || fk.OnUpdate == "c":
		return "ON UPDATE " + names[fk.OnUpdate]
	}
	return ""
}

// ident quotes a name read from the catalog or declared by code.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }
