package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/tenantry/tenantry"
)

// migrateExtensions applies each extension's PostgreSQL migrations, with a
// version table of its own, checks its declared tables and secures them:
// row level security enabled and forced, the tenant policy Tenantry's own
// tables have, and the runtime role's grant. It runs as the migrating
// (owning) user, one statement at a time.
func (db *DB) migrateExtensions(ctx context.Context, sqlDB *sql.DB, locker lock.SessionLocker) error {
	db.rules.Columns, db.rules.UserColumns = map[string][]string{}, map[string][]string{}
	for _, e := range db.exts {
		if e.Postgres == nil {
			return fmt.Errorf("postgres: extension %s has no PostgreSQL migrations", e.Name)
		}
		p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, e.Postgres,
			goose.WithTableName("goose_"+e.Name), goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
		if err != nil {
			return fmt.Errorf("postgres: extension %s: migrations: %w", e.Name, err)
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("postgres: extension %s: migrate: %w", e.Name, err)
		}
		for _, t := range e.Tables {
			shape, err := tableShape(ctx, sqlDB, t)
			if err != nil {
				return fmt.Errorf("postgres: extension %s: %w", e.Name, err)
			}
			if err := tenantry.CheckTable(shape); err != nil {
				return fmt.Errorf("postgres: extension %s: %w", e.Name, err)
			}
			db.rules.Columns[t], db.rules.UserColumns[t] = shape.Columns, shape.UserColumns()
			if err := secureTable(ctx, sqlDB, t); err != nil {
				return fmt.Errorf("postgres: extension %s: table %s: %w", e.Name, t, err)
			}
		}
	}
	return nil
}

// secureTable gives a tenant table the wall of Tenantry's own: each step
// is one statement (Citus's workers take no multi-statement strings) and
// may run again.
func secureTable(ctx context.Context, q *sql.DB, table string) error {
	id := pgx.Identifier{table}.Sanitize()
	var policy bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = to_regclass($1) AND polname = 'tenant_isolation')`, table).Scan(&policy); err != nil {
		return err
	}
	stmts := []string{
		"ALTER TABLE " + id + " ENABLE ROW LEVEL SECURITY",
		"ALTER TABLE " + id + " FORCE ROW LEVEL SECURITY",
		"GRANT SELECT, INSERT, UPDATE, DELETE ON " + id + " TO " + RuntimeRole,
	}
	if !policy {
		stmts = append(stmts, "CREATE POLICY tenant_isolation ON "+id+` FOR ALL
			USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
			WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`)
	}
	for _, s := range stmts {
		if _, err := q.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// tableShape reads a table of the current schema's columns and keys from
// the catalog.
func tableShape(ctx context.Context, q *sql.DB, table string) (tenantry.TableShape, error) {
	s := tenantry.TableShape{Name: table}
	var oid sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT to_regclass($1)::oid`, table).Scan(&oid); err != nil {
		return s, err
	}
	if !oid.Valid {
		return s, fmt.Errorf("table %s does not exist", table)
	}
	cols, err := names(ctx, q, `SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, oid.Int64)
	if err != nil {
		return s, err
	}
	s.Columns = cols
	// Primary key and unique indexes (constraints or CREATE UNIQUE INDEX),
	// their key columns in order.
	rows, err := q.QueryContext(ctx, `SELECT i.indisprimary, array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[], ',')
		FROM pg_index i WHERE i.indrelid = $1 AND (i.indisunique OR i.indisprimary) ORDER BY i.indexrelid`, oid.Int64)
	if err != nil {
		return s, err
	}
	for rows.Next() {
		var primary bool
		var list string
		if err := rows.Scan(&primary, &list); err != nil {
			rows.Close()
			return s, err
		}
		key := strings.Split(list, ",")
		if primary {
			s.PrimaryKey = key
		} else {
			s.Unique = append(s.Unique, key)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, err
	}
	// Foreign keys, columns paired in order.
	fks, err := q.QueryContext(ctx, `SELECT c.confrelid::regclass::text, c.confdeltype = 'c',
		array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)::text[], ','),
		array_to_string(ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
			JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n)::text[], ',')
		FROM pg_constraint c WHERE c.conrelid = $1 AND c.contype = 'f' ORDER BY c.conname`, oid.Int64)
	if err != nil {
		return s, err
	}
	defer fks.Close()
	for fks.Next() {
		var fk tenantry.ForeignKey
		var cols, refs string
		if err := fks.Scan(&fk.RefTable, &fk.Cascade, &cols, &refs); err != nil {
			return s, err
		}
		fk.Columns, fk.RefColumns = strings.Split(cols, ","), strings.Split(refs, ",")
		s.ForeignKeys = append(s.ForeignKeys, fk)
	}
	return s, fks.Err()
}

// names returns the first column of each row of a query.
func names(ctx context.Context, q *sql.DB, query string, arg any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
