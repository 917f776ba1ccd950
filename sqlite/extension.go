package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"

	"github.com/tenantry/tenantry"
)

// migrateExtensions applies each extension's SQLite migrations, with a
// version table of its own, then checks its declared tables.
func (db *DB) migrateExtensions(ctx context.Context, m *sql.DB) error {
	db.rules.Columns, db.rules.UserColumns = map[string][]string{}, map[string][]string{}
	for _, e := range db.exts {
		if e.SQLite == nil {
			return fmt.Errorf("sqlite: extension %s has no SQLite migrations", e.Name)
		}
		p, err := goose.NewProvider(goose.DialectSQLite3, m, e.SQLite,
			goose.WithTableName("goose_"+e.Name), goose.WithDisableGlobalRegistry(true))
		if err != nil {
			return fmt.Errorf("sqlite: extension %s: migrations: %w", e.Name, err)
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("sqlite: extension %s: migrate: %w", e.Name, err)
		}
		for _, t := range e.Tables {
			shape, err := tableShape(ctx, m, t)
			if err != nil {
				return fmt.Errorf("sqlite: extension %s: %w", e.Name, err)
			}
			if err := tenantry.CheckTable(shape); err != nil {
				return fmt.Errorf("sqlite: extension %s: %w", e.Name, err)
			}
			db.rules.Columns[t], db.rules.UserColumns[t] = shape.Columns, shape.UserColumns()
		}
	}
	return nil
}

// tableShape reads a table's columns and keys from SQLite's pragmas.
func tableShape(ctx context.Context, q *sql.DB, table string) (tenantry.TableShape, error) {
	s := tenantry.TableShape{Name: table}
	var err error
	if s.Columns, s.PrimaryKey, err = tableColumns(ctx, q, table); err != nil {
		return s, err
	}
	if s.Unique, err = uniqueKeys(ctx, q, table); err != nil {
		return s, err
	}
	s.ForeignKeys, err = foreignKeys(ctx, q, table)
	return s, err
}

// tableColumns returns a table's columns and its primary key, in key
// order (table_info's pk is the 1-based position in the key).
func tableColumns(ctx context.Context, q *sql.DB, table string) (cols, key []string, _ error) {
	rows, err := q.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	pk := map[int]string{}
	for rows.Next() {
		var name string
		var pos int
		if err := rows.Scan(&name, &pos); err != nil {
			return nil, nil, err
		}
		cols = append(cols, name)
		if pos > 0 {
			pk[pos] = name
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(cols) == 0 {
		return nil, nil, fmt.Errorf("table %s does not exist", table)
	}
	for i := 1; i <= len(pk); i++ {
		key = append(key, pk[i])
	}
	return cols, key, nil
}

// uniqueKeys returns the columns of a table's unique indexes (UNIQUE
// constraints and CREATE UNIQUE INDEX alike), by index name.
func uniqueKeys(ctx context.Context, q *sql.DB, table string) ([][]string, error) {
	names, err := columns(ctx, q, `SELECT name FROM pragma_index_list(?) WHERE "unique" = 1 AND origin <> 'pk' ORDER BY name`, table)
	if err != nil {
		return nil, err
	}
	var out [][]string
	for _, n := range names {
		cols, err := columns(ctx, q, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, n)
		if err != nil {
			return nil, err
		}
		out = append(out, cols)
	}
	return out, nil
}

// foreignKeys returns a table's foreign keys (one pragma row per column,
// grouped by id). One that names no parent columns means the parent's
// primary key.
func foreignKeys(ctx context.Context, q *sql.DB, table string) ([]tenantry.ForeignKey, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
	if err != nil {
		return nil, err
	}
	var out []tenantry.ForeignKey
	last := -1
	for rows.Next() {
		var id int
		var ref, from, onDelete string
		var to sql.NullString
		if err := rows.Scan(&id, &ref, &from, &to, &onDelete); err != nil {
			rows.Close()
			return nil, err
		}
		if id != last {
			out = append(out, tenantry.ForeignKey{RefTable: ref, Cascade: onDelete == "CASCADE"})
			last = id
		}
		fk := &out[len(out)-1]
		fk.Columns = append(fk.Columns, from)
		fk.RefColumns = append(fk.RefColumns, to.String)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, fk := range out {
		if len(fk.RefColumns) > 0 && fk.RefColumns[0] != "" {
			continue
		}
		pk, err := columns(ctx, q, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, fk.RefTable)
		if err != nil {
			return nil, err
		}
		out[i].RefColumns = pk
	}
	return out, nil
}

// columns returns the first column of each row of a query.
func columns(ctx context.Context, q *sql.DB, query string, arg any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
