package postgres

import (
	"encoding/json"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/tenantry/tenantry"
)

// queueExportRows queues, for each extension table in declared order, the
// query of tenant id's rows as JSON objects (to_jsonb), each added with
// add as one ExportRow record.
func (db *DB) queueExportRows(b *pgx.Batch, id string, add func(typ string, v any) error) {
	for _, table := range tenantry.ExtensionTables(db.exts) {
		b.Queue(`SELECT to_jsonb(x) FROM `+pgx.Identifier{table}.Sanitize()+` x WHERE x.tenant_id = $1`, id).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var raw []byte
				if err := rows.Scan(&raw); err != nil {
					return err
				}
				if err := add(tenantry.ExportRow, tenantry.ExportedRow{Table: table, Row: json.RawMessage(raw)}); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	}
}

// importRow returns the insert of one exported row of an extension table:
// the table must be declared, the row tenant tid's and its columns the
// table's (bad_request otherwise). PostgreSQL converts the JSON values to
// the columns' types itself; the statement is an INSERT ... VALUES, which
// Citus routes to the tenant's shard.
func (db *DB) importRow(l importLine, tid string) (string, string, any, error) {
	var r tenantry.ExportedRow
	if err := decodeLine(l, &r); err != nil {
		return "", "", nil, err
	}
	cols, ok := db.extColumns[r.Table]
	if !ok {
		return "", "", nil, badImport("line %d names table %q, which no extension of this server declares.", l.n, r.Table)
	}
	if err := r.CheckRowTenant(tid); err != nil {
		return "", "", nil, err
	}
	var row map[string]json.RawMessage
	if err := json.Unmarshal(r.Row, &row); err != nil || row == nil {
		return "", "", nil, badImport("line %d (row) is not a JSON object.", l.n)
	}
	for c := range row {
		if !slices.Contains(cols, c) {
			return "", "", nil, badImport("line %d (row) has column %q, which table %s does not have.", l.n, c, r.Table)
		}
	}
	t := pgx.Identifier{r.Table}.Sanitize()
	return `INSERT INTO ` + t + ` VALUES ((jsonb_populate_record(NULL::` + t + `, $1::jsonb)).*)`, r.Table, string(r.Row), nil
}
