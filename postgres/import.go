package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/tenantry/tenantry"
)

// importRow is one insert of a tenant row, with the line it comes from.
type importRow struct {
	line int
	typ  string
	sql  string
	args []any
}

// ImportTenant reads what ExportTenant wrote and recreates the tenant with
// the same ids, all or nothing, in one transaction (bad_request for a
// malformed stream, naming the line; conflict when the tenant id, slug or
// domain exists). The stream is decoded and checked by
// tenantry.DecodeImport; this writes its rows. A member's user is the
// existing user with the same e-mail, or a new user with the exported id
// and no password, who must reset it. The tenant's rows are written with
// app.tenant_id set to the imported tenant, so row level security checks
// every one of them. The import is audited as tenant.import in the
// platform trail.
func (p *Platform) ImportTenant(ctx context.Context, r io.Reader) (*tenantry.Tenant, error) {
	im, err := tenantry.DecodeImport(r, p.db.plans, p.db.extColumns)
	if err != nil {
		return nil, err
	}
	t := im.Tenant
	err = p.db.globalTx(ctx, nil, func(tx *wtx) error {
		if err := insertImportedTenant(ctx, tx, t); err != nil {
			return err
		}
		// t.ID comes from tenantry.ParseID (TenantCreate.Validate).
		if err := p.db.execTenant(ctx, tx, t.ID); err != nil {
			return err
		}
		users, err := importUsers(ctx, tx, im, p.db.extUsers)
		if err != nil {
			return err
		}
		if err := sendImport(ctx, tx, append(users, importRows(im)...)); err != nil {
			return err
		}
		ev := auditEvent(ctx, t.ID, "tenant.import", "tenant", t.ID, map[string]any{"records": im.Records})
		if err := insertPlatformAudit(ctx, tx, ev); err != nil {
			return err
		}
		// The restored trail is not replayed as new events: the tenant's
		// outbox starts with its import (seq 1).
		return insertEvent(ctx, tx, tenantry.NewEvent(ev))
	})
	if err != nil {
		return nil, err
	}
	p.db.eventsCommitted(t.ID)
	return t, nil
}

// insertImportedTenant inserts the tenant row of an import.
func insertImportedTenant(ctx context.Context, tx *wtx, t *tenantry.Tenant) error {
	settings, err := json.Marshal(t.Settings)
	if err != nil {
		return tenantry.Invalid(map[string]string{"settings": "must be a JSON object"})
	}
	limits, err := json.Marshal(t.Limits)
	if err != nil {
		return fmt.Errorf("encode limits: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO tenants (id, name, slug, domain, plan, status, settings, limits, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, t.ID, t.Name, t.Slug, nullString(t.Domain), t.Plan,
		string(t.Status), string(settings), string(limits), t.CreatedAt, t.UpdatedAt)
	if err = tenantConflict(err); dataError(err) {
		return tenantry.BadImport("line 1 (tenant) does not fit the database.")
	}
	return err
}

// importUsers finds the import's users among the existing ones, maps the
// rows' user ids (Import.PlanUsers, MapUsers) and returns the inserts of
// the users to create.
func importUsers(ctx context.Context, tx *wtx, im *tenantry.Import, userColumns map[string][]string) ([]importRow, error) {
	ids, emails := im.UserIDsAndEmails()
	byEmail, taken := map[string]string{}, map[string]bool{}
	rows, err := tx.Query(ctx, `SELECT id::text, email FROM users WHERE email = ANY($1) OR id = ANY($2::text[]::uuid[])`, emails, ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, email string
		if err := rows.Scan(&id, &email); err != nil {
			rows.Close()
			return nil, err
		}
		byEmail[email], taken[id] = id, true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	local, create := im.PlanUsers(byEmail, taken)
	if err := im.MapUsers(local, userColumns); err != nil {
		return nil, err
	}
	now := tenantry.Now()
	out := make([]importRow, 0, len(create))
	for _, u := range create {
		out = append(out, importRow{line: u.Line, typ: tenantry.ExportUser,
			sql:  `INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ($1, $2, $3, '', $4, $4)`,
			args: []any{u.Value.ID, u.Value.Email, u.Value.Name, now}})
	}
	return out, nil
}

// importRows returns the inserts of the tenant's rows of an import, in
// export order: every one an INSERT ... VALUES with the tenant bound,
// which Citus routes to the tenant's shard.
func importRows(im *tenantry.Import) []importRow {
	tid := im.Tenant.ID
	var out []importRow
	add := func(line int, typ, sql string, args ...any) {
		out = append(out, importRow{line: line, typ: typ, sql: sql, args: args})
	}
	for i, m := range im.Members {
		add(m.Line, tenantry.ExportMember, `INSERT INTO members (tenant_id, user_id, id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
			tid, m.Value.UserID, im.MemberRowIDs[i], string(m.Value.Role), m.Value.CreatedAt)
	}
	for _, l := range im.Invitations {
		v := l.Value
		add(l.Line, tenantry.ExportInvitation, `INSERT INTO invitations (tenant_id, id, email, role, token_hash, created_by, expires_at, accepted_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, tid, v.ID, v.Email, string(v.Role), v.TokenHash,
			v.CreatedBy, v.ExpiresAt, v.AcceptedAt, v.CreatedAt)
	}
	for _, l := range im.APIKeys {
		k := l.Value
		add(l.Line, tenantry.ExportAPIKey, `INSERT INTO api_keys (tenant_id, id, name, role, prefix, hash, created_by, created_at, revoked_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, tid, k.ID, k.Name, string(k.Role), k.Prefix, k.Hash,
			k.CreatedBy, k.CreatedAt, k.RevokedAt, k.ExpiresAt)
	}
	for _, l := range im.ChatSessions {
		s := l.Value
		add(l.Line, tenantry.ExportChatSession, `INSERT INTO chat_sessions (tenant_id, id, user_id, visitor, created_at) VALUES ($1, $2, $3, $4, $5)`,
			tid, s.ID, s.UserID, s.Visitor, s.CreatedAt)
	}
	for _, l := range im.ChatMessages {
		m := l.Value
		add(l.Line, tenantry.ExportChatMessage, `INSERT INTO chat_messages (tenant_id, id, session_id, role, content, model, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, tid, m.ID, m.SessionID, m.Role, m.Content, m.Model, m.CreatedAt)
	}
	for _, l := range im.Usage {
		add(l.Line, tenantry.ExportUsage, `INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES ($1, $2, $3, $4)`,
			tid, l.Value.Day.Format("2006-01-02"), l.Value.Counter, l.Value.Value)
	}
	for _, l := range im.AuditEvents {
		add(l.Line, tenantry.ExportAuditEvent, insertAuditSQL, auditArgs(&l.Value)...)
	}
	for _, l := range im.Rows {
		t := pgx.Identifier{l.Value.Table}.Sanitize()
		// PostgreSQL converts the JSON values to the columns' types.
		add(l.Line, tenantry.ExportRow, `INSERT INTO `+t+` VALUES ((jsonb_populate_record(NULL::`+t+`, $1::jsonb)).*)`, string(l.Value.Row))
	}
	return out
}

// sendImport runs the inserts in one round trip; one that breaks a
// constraint or does not fit a column is bad_request naming its line.
func sendImport(ctx context.Context, tx *wtx, all []importRow) error {
	done := -1
	b := &pgx.Batch{}
	for i, row := range all {
		b.Queue(row.sql, row.args...).Exec(func(pgconn.CommandTag) error {
			done = i
			return nil
		})
	}
	if err := execBatch(ctx, tx.Conn(), b); err != nil {
		if failed := done + 1; failed < len(all) && dataError(err) {
			return tenantry.BadImport("line %d (%s) does not fit the rest of the export.", all[failed].line, all[failed].typ)
		}
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// dataError reports whether err is a database error caused by the data:
// a data exception (class 22) or an integrity constraint violation (class
// 23).
func dataError(err error) bool {
	var pe *pgconn.PgError
	return asPgError(err, &pe) && len(pe.Code) == 5 && (pe.Code[:2] == "22" || pe.Code[:2] == "23")
}
