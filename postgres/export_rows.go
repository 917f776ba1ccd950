package postgres

import (
	"encoding/json"

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
