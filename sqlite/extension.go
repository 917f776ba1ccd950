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
func (db *DB) migrateExtensions(ctx context.Context) error {
	db.extColumns, db.extUsers = map[string][]string{}, map[string][]string{}
	for _, e := range db.exts {
		if e.SQLite == nil {
			return fmt.Errorf("sqlite: extension %s has no SQLite migrations", e.Name)
		}
		p, err := goose.NewProvider(goose.DialectSQLite3, db.w, e.SQLite,
			goose.WithTableName("goose_"+e.Name), goose.WithDisableGlobalRegistry(true))
		if err != nil {
			return fmt.Errorf("sqlite: extension %s: migrations: %w", e.Name, err)
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("sqlite: extension %s: migrate: %w", e.Name, err)
		}
		for _, t := range e.Tables {
			shape, err := tableShape(ctx, db.w, t)
			if err != nil {
				return fmt.Errorf("sqlite: extension %s: %w", e.Name, err)
			}
			if err := tenantry.CheckTable(shape); err != nil {
				return fmt.Errorf("sqlite: extension %s: %w", e.Name, err)
			}
			db.extColumns[t], db.extUsers[t] = shape.Columns, shape.UserColumns()
		}
	}
	return nil
}

// tableShape reads a table's columns and keys from SQLite's pragmas.
func tableShape(ctx context.Context, q *sql.DB, table string) (tenantry.TableShape, error) {
	s := tenantry.TableShape{Name: table}
	// table_info: cid, name, type, notnull, dflt_value, pk (1-based key position).
	rows, err := q.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return s, err
	}
	pk := map[int]string{}
	for rows.Next() {
		var name string
		var pos int
		if err := rows.Scan(&name, &pos); err != nil {
			rows.Close()
			return s, err
		}
		s.Columns = append(s.Columns, name)
		if pos > 0 {
			pk[pos] = name
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, err
	}
	if len(s.Columns) == 0 {
		return s, fmt.Errorf("table %s does not exist", table)
	}
	for i := 1; i <= len(pk); i++ {
		s.PrimaryKey = append(s.PrimaryKey, pk[i])
	}
	// Unique indexes (UNIQUE constraints and CREATE UNIQUE INDEX alike).
	idx, err := q.QueryContext(ctx, `SELECT name FROM pragma_index_list(?) WHERE "unique" = 1 AND origin <> 'pk' ORDER BY name`, table)
	if err != nil {
		return s, err
	}
	var names []string
	for idx.Next() {
		var n string
		if err := idx.Scan(&n); err != nil {
			idx.Close()
			return s, err
		}
		names = append(names, n)
	}
	idx.Close()
	for _, n := range names {
		cols, err := columns(ctx, q, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, n)
		if err != nil {
			return s, err
		}
		s.Unique = append(s.Unique, cols)
	}
	// Foreign keys: one row per column, grouped by id.
	fks, err := q.QueryContext(ctx, `SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
	if err != nil {
		return s, err
	}
	defer fks.Close()
	last := -1
	for fks.Next() {
		var id int
		var ref, from string
		var to sql.NullString
		var onDelete string
		if err := fks.Scan(&id, &ref, &from, &to, &onDelete); err != nil {
			return s, err
		}
		if id != last {
			s.ForeignKeys = append(s.ForeignKeys, tenantry.ForeignKey{RefTable: ref, Cascade: onDelete == "CASCADE"})
			last = id
		}
		fk := &s.ForeignKeys[len(s.ForeignKeys)-1]
		fk.Columns = append(fk.Columns, from)
		fk.RefColumns = append(fk.RefColumns, to.String)
	}
	if err := fks.Err(); err != nil {
		return s, err
	}
	fks.Close()
	// A foreign key that names no parent columns means the parent's
	// primary key.
	for i, fk := range s.ForeignKeys {
		if len(fk.RefColumns) > 0 && fk.RefColumns[0] != "" {
			continue
		}
		pk, err := columns(ctx, q, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, fk.RefTable)
		if err != nil {
			return s, err
		}
		s.ForeignKeys[i].RefColumns = pk
	}
	return s, nil
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
