package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/tenantry/tenantry"
)

// exportTable writes every row of tenant id in an extension's table (a
// declared, checked name) as one ExportRow record each.
func exportTable(ctx context.Context, q querier, e *exportWriter, table, id string) error {
	rows, err := q.QueryContext(ctx, `SELECT * FROM "`+table+`" WHERE tenant_id = ?`, id)
	if err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("export %s: %w", table, err)
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				row[c] = string(b)
			} else {
				row[c] = vals[i]
			}
		}
		raw, err := json.Marshal(row)
		if err != nil {
			return fmt.Errorf("export %s: %w", table, err)
		}
		if err := e.write(tenantry.ExportRow, tenantry.ExportedRow{Table: table, Row: raw}); err != nil {
			return err
		}
	}
	return rows.Err()
}

// insertRow inserts one exported row of an extension table, which
// tenantry.DecodeImport checked (a declared table, the imported tenant's
// row, the table's columns); values are bound.
func insertRow(ctx context.Context, tx *wtx, r tenantry.ExportedRow) error {
	dec := json.NewDecoder(strings.NewReader(string(r.Row)))
	dec.UseNumber()
	var row map[string]any
	if err := dec.Decode(&row); err != nil {
		return fmt.Errorf("decode row of %s: %w", r.Table, err)
	}
	names := make([]string, 0, len(row))
	for c := range row {
		names = append(names, c)
	}
	slices.Sort(names)
	args := make([]any, len(names))
	marks := make([]string, len(names))
	for i, c := range names {
		args[i] = sqliteValue(row[c])
		marks[i] = "?"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO "`+r.Table+`" ("`+strings.Join(names, `", "`)+`") VALUES (`+strings.Join(marks, ", ")+`)`, args...)
	return err
}

// sqliteValue converts a decoded JSON value to what SQLite stores: whole
// numbers as integers, other numbers as reals, objects and lists as their
// JSON text.
func sqliteValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case map[string]any, []any:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return v
}
