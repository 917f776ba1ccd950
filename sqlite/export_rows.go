package sqlite

import (
	"context"
	"slices"
	"strings"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
)

// snapshot runs fn on one reader connection in one read transaction of
// tenant id: every statement sees the rows committed when the first began.
func (db *DB) snapshot(ctx context.Context, id string, fn func(tenantry.Tx) error) error {
	return db.readers.read(ctx, id, true, fn)
}

// rowStatements are SQLite's statements of the extension tables' rows:
// json_object reads a row with its columns in name order (a BLOB column as
// its text, which JSON can hold), json_extract writes one, which gives whole numbers as integers,
// other numbers as reals, true and false as 1 and 0, and objects and lists
// as their JSON text, as the STRICT columns store them.
var rowStatements = core.RowStatements{
	Select: func(table string, columns []string) string {
		var b strings.Builder
		for i, c := range slices.Sorted(slices.Values(columns)) {
			if i > 0 {
				b.WriteString(", ")
			}
			q := quoteIdent(c)
			b.WriteString(`'` + strings.ReplaceAll(c, `'`, `''`) + `', CASE WHEN typeof(` + q + `) = 'blob' THEN CAST(` + q +
				` AS TEXT) ELSE ` + q + ` END`)
		}
		return `SELECT json_object(` + b.String() + `) FROM ` + quoteIdent(table) + ` WHERE tenant_id = $1`
	},
	Insert: func(table string, names []string) string {
		cols, vals := make([]string, len(names)), make([]string, len(names))
		for i, c := range names {
			cols[i] = quoteIdent(c)
			vals[i] = `json_extract($1, '$.` + strings.ReplaceAll(quoteIdent(c), `'`, `''`) + `')`
		}
		return `INSERT INTO ` + quoteIdent(table) + ` (` + strings.Join(cols, ", ") + `) SELECT ` + strings.Join(vals, ", ")
	},
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
