package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// On a Citus coordinator (a database with the citus extension) Tenantry
// distributes itself: Migrate makes the global tables reference tables and
// distributes every tenant table by tenant_id, co-located (planCitus); the
// pool's connections set citus.propagate_set_commands = 'local', so that
// the workers see each transaction's SET LOCAL app.tenant_id; and Open
// refuses to serve (citusRefusal) while any of that is not so. On a plain
// PostgreSQL none of it runs.

// citusLockID is the transaction advisory lock under which Migrate reads
// the catalog and distributes, so that two migrations never plan at once.
const citusLockID int64 = 0x74656e6369747573

// citusSessionSetup is what every pooled connection of a Citus coordinator
// runs besides its role and timeout: without it (the default is 'none') the
// workers never see SET LOCAL app.tenant_id, their policies see no tenant,
// reads come back empty and writes are refused.
const citusSessionSetup = "SET citus.propagate_set_commands = 'local'"

// errSetConfigOnCitus refuses the set-config tenant setting on Citus.
var errSetConfigOnCitus = errors.New("postgres: this database is a Citus coordinator, and the tenant setting set-config " +
	"(set_config) does not reach its workers, whose policies would then see no tenant: use set-local " +
	"(--pg-tenant-setting set-local, the default)")

// pgQuerier is what reads the catalog: a connection, a transaction or the
// pool.
type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ownerConn connects as the user of the database URL, who migrated and
// owns the tables (Citus's functions want the owner).
func (db *DB) ownerConn(ctx context.Context) (*pgx.Conn, error) {
	// The pool's parser takes the pool_* parameters out of the URL, which
	// the server would refuse as unknown run-time parameters.
	pc, err := pgxpool.ParseConfig(db.url)
	if err != nil {
		return nil, err
	}
	pc.ConnConfig.Tracer = db.tracer
	return pgx.ConnectConfig(ctx, pc.ConnConfig)
}

// hasCitus reports whether the database has the citus extension.
func hasCitus(ctx context.Context, q pgQuerier) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')`).Scan(&ok)
	return ok, err
}

// detectCitus sets db.citus, and refuses the set-config tenant setting on
// Citus.
func (db *DB) detectCitus(ctx context.Context) error {
	conn, err := db.ownerConn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Close(ctx)
	if db.citus, err = hasCitus(ctx, conn); err != nil {
		return fmt.Errorf("postgres: detect Citus: %w", err)
	}
	return citusTenantSetting(db.citus, db.tenant)
}

// citusTenantSetting refuses the set-config tenant setting on Citus.
func citusTenantSetting(citus bool, s TenantSetting) error {
	if citus && s == SetConfig {
		return errSetConfigOnCitus
	}
	return nil
}

// distribute runs the distribution plan of the database when it is a
// Citus coordinator, in one transaction under citusLockID, after refusing
// with every blocker named when the plan cannot run. It does nothing on a
// plain PostgreSQL, nor on a coordinator where everything is distributed.
func (db *DB) distribute(ctx context.Context) error {
	conn, err := db.ownerConn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Close(ctx)
	citus, err := hasCitus(ctx, conn)
	if err != nil {
		return fmt.Errorf("postgres: detect Citus: %w", err)
	}
	if !citus {
		return nil
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: distribute: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, citusLockID); err != nil {
		return fmt.Errorf("postgres: distribute: %w", err)
	}
	cat, err := readCitusCatalog(ctx, tx, true)
	if err != nil {
		return fmt.Errorf("postgres: distribute: read the catalog: %w", err)
	}
	if blockers := citusBlockers(cat); len(blockers) > 0 {
		return fmt.Errorf("postgres: distribute on Citus: %s", strings.Join(blockers, "; "))
	}
	for _, s := range planCitus(cat) {
		if _, err := tx.Exec(ctx, s.SQL, s.Args...); err != nil {
			return fmt.Errorf("postgres: distribute: %s: %w", s.SQL, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: distribute: %w", err)
	}
	return nil
}

// readCitusCatalog reads the tables of the current schema (partitions
// aside), the foreign keys between them and whether the runtime role may
// log in; with citus, also how Citus holds each table (pg_dist_partition).
func readCitusCatalog(ctx context.Context, q pgQuerier, citus bool) (citusCatalog, error) {
	var c citusCatalog
	rows, err := q.Query(ctx, `SELECT c.relname::text,
			EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped)
		FROM pg_class c
		WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
			AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		ORDER BY c.relname`)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var t citusTable
		if err := rows.Scan(&t.Name, &t.TenantID); err != nil {
			rows.Close()
			return c, err
		}
		c.Tables = append(c.Tables, t)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	if c.ForeignKeys, err = readForeignKeys(ctx, q); err != nil {
		return c, err
	}
	if err := q.QueryRow(ctx, `SELECT coalesce((SELECT rolcanlogin FROM pg_roles WHERE rolname = $1), false)`, RuntimeRole).Scan(&c.RoleCanLogin); err != nil {
		return c, err
	}
	if citus {
		err = readDistribution(ctx, q, &c)
	}
	return c, err
}

// readForeignKeys reads the foreign keys between tables of the current
// schema, by table and name.
func readForeignKeys(ctx context.Context, q pgQuerier) ([]citusForeignKey, error) {
	rows, err := q.Query(ctx, `SELECT k.conname::text, c.relname::text, r.relname::text,
			ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
				JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i),
			k.confdeltype::text, k.confupdtype::text, pg_get_constraintdef(k.oid)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
		WHERE k.contype = 'f' AND k.conparentid = 0
			AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
			AND r.relnamespace = c.relnamespace
		ORDER BY c.relname, k.conname`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []citusForeignKey
	for rows.Next() {
		var fk citusForeignKey
		if err := rows.Scan(&fk.Name, &fk.Table, &fk.RefTable, &fk.Columns, &fk.OnDelete, &fk.OnUpdate, &fk.Definition); err != nil {
			return nil, err
		}
		out = append(out, fk)
	}
	return out, rows.Err()
}

// readDistribution reads from Citus's pg_dist_partition how each table
// of c is held. A hash-distributed table is partmethod 'h'; a reference
// table 'n' with replication model 't'; a table Citus added to its
// metadata on the coordinator 'n' in no co-location group; anything else
// (append, range, a single-shard table) is citusOther.
func readDistribution(ctx context.Context, q pgQuerier, c *citusCatalog) error {
	rows, err := q.Query(ctx, `SELECT c.relname::text, p.partmethod::text, p.repmodel::text,
			coalesce(column_to_column_name(p.logicalrelid, p.partkey), ''), p.colocationid
		FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
		WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, method, model, column string
		var group int
		if err := rows.Scan(&name, &method, &model, &column, &group); err != nil {
			return err
		}
		t := c.table(name)
		if t == nil {
			continue
		}
		switch {
		case method == "h":
			t.Kind, t.Column, t.Colocation = citusDistributed, column, group
		case method == "n" && model == "t":
			t.Kind = citusReference
		case method == "n" && group == 0:
			t.Kind = citusLocal
		default:
			t.Kind, t.Column, t.Colocation = citusOther, column, group
		}
	}
	return rows.Err()
}
