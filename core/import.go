package core

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/tenantry/tenantry"
)

// importRow is one insert of an import and the record it comes from.
type importRow struct {
	line  int
	typ   string
	query string
	args  []any
}

// ImportTenant reads what ExportTenant wrote and recreates the tenant with
// the same ids, all or nothing, in one transaction (bad_request for a
// malformed stream, naming the line; conflict when the tenant id, slug or
// domain exists). The stream is decoded and checked by
// tenantry.DecodeImport. A member's user is the existing user with the
// same e-mail, or a new user with the exported id and no password, who must
// reset it. The tenant's rows are written as that tenant's (on PostgreSQL
// row level security checks every one), each INSERT ... VALUES with the
// tenant bound, which Citus routes to the tenant's shard. The import is
// audited as tenant.import in the platform trail; the restored trail is not
// replayed as new events: the tenant's outbox starts with its import.
func (p Platform) ImportTenant(ctx context.Context, r io.Reader) (*tenantry.Tenant, error) {
	im, err := tenantry.DecodeImport(r, p.cfg.Plans, p.cfg.Columns)
	if err != nil {
		return nil, err
	}
	t := im.Tenant
	var all []importRow
	err = p.g.Write(ctx, func(gtx GlobalTx) error {
		if err := insertImportedTenant(ctx, gtx, t); err != nil {
			return err
		}
		tx := gtx.Enter(t)
		users, err := p.importUsers(ctx, tx, im)
		if err != nil {
			return err
		}
		rows, err := p.importRows(im)
		if err != nil {
			return err
		}
		all = append(users, rows...)
		for _, row := range all {
			tx.Queue(ctx, row.query, row.args...)
		}
		return audit(ctx, tx, "tenant.import", map[string]any{"records": im.Records}, tenantry.NewEvent)
	})
	if err != nil && all != nil && fits(err) {
		err = p.misfit(ctx, t, all, err)
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// misfit names the line of an import whose queued inserts failed with err,
// which says which line only when the inserts ran one by one (SQLite):
// it runs them again one at a time in a transaction it rolls back, and
// returns the first one's error, or err when none fails. It costs a round
// trip an insert on PostgreSQL, on this failing path only; the import
// itself sends its inserts in one.
func (p Platform) misfit(ctx context.Context, t *tenantry.Tenant, all []importRow, err error) error {
	found := err
	_ = p.g.Write(ctx, func(gtx GlobalTx) error {
		if e := insertImportedTenant(ctx, gtx, t); e != nil {
			found = e
			return e
		}
		tx := gtx.Enter(t)
		for _, row := range all {
			if _, e := tx.Exec(ctx, row.query, row.args...); e != nil {
				found = fitImport(row, e)
				return e
			}
		}
		return err // nothing failed this time: roll back all the same
	})
	return found
}

// fits reports whether err is a row's that does not fit the export: a
// constraint it breaks or a value that does not fit its column.
func fits(err error) bool {
	switch tenantry.ErrorCode(err) {
	case tenantry.ECONFLICT, tenantry.ENOTFOUND, tenantry.ETENANTNOTFOUND, tenantry.EINVALID, tenantry.EBADREQUEST:
		return true
	}
	return false
}

// fitImport is the error of row's insert: bad_request naming its line when
// the row does not fit the rest of the export (fits).
func fitImport(row importRow, err error) error {
	if fits(err) {
		return tenantry.BadImport("line %d (%s) does not fit the rest of the export.", row.line, row.typ)
	}
	return fmt.Errorf("import line %d: %w", row.line, err)
}

// insertImportedTenant inserts the tenant row of an import (conflict on its
// id, slug or domain).
func insertImportedTenant(ctx context.Context, tx GlobalTx, t *tenantry.Tenant) error {
	settings, limits, err := tenantJSON(t)
	if err != nil {
		return err
	}
	if err := tenantTaken(ctx, tx, t.ID, t.Slug, t.Domain, true); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO tenants (id, name, slug, domain, plan, status, settings, limits, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, t.ID, t.Name, t.Slug, nullText(t.Domain), t.Plan,
		string(t.Status), settings, limits, t.CreatedAt, t.UpdatedAt)
	if c := tenantry.ErrorCode(err); c == tenantry.EINVALID || c == tenantry.EBADREQUEST {
		return tenantry.BadImport("line 1 (tenant) does not fit the database.")
	}
	return err
}

// importUsers finds the import's users among the existing ones, maps the
// rows' user ids (Import.PlanUsers, MapUsers) and returns the inserts of
// the users to create.
func (p Platform) importUsers(ctx context.Context, tx tenantry.Tx, im *tenantry.Import) ([]importRow, error) {
	ids, emails := im.UserIDsAndEmails()
	byEmail, taken := map[string]string{}, map[string]bool{}
	if len(ids)+len(emails) > 0 {
		args := make([]any, 0, len(emails)+len(ids))
		for _, e := range emails {
			args = append(args, e)
		}
		for _, id := range ids {
			args = append(args, id)
		}
		rows, err := tx.Query(ctx, `SELECT id, email FROM users WHERE email IN (`+marks(1, len(emails))+`)
			OR id IN (`+marks(len(emails)+1, len(ids))+`)`, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id, email string
			if err := rows.Scan(&id, &email); err != nil {
				return nil, err
			}
			byEmail[email], taken[id] = id, true
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	local, create := im.PlanUsers(byEmail, taken)
	if err := im.MapUsers(local, p.cfg.UserColumns); err != nil {
		return nil, err
	}
	now := tenantry.Now()
	out := make([]importRow, 0, len(create))
	for _, u := range create {
		out = append(out, importRow{u.Line, tenantry.ExportUser,
			`INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ($1, $2, $3, '', $4, $4)`,
			[]any{u.Value.ID, u.Value.Email, u.Value.Name, now}})
	}
	return out, nil
}

// marks returns n numbered placeholders from $first, or NULL for none (an
// IN list that matches nothing).
func marks(first, n int) string {
	if n == 0 {
		return "NULL"
	}
	m := make([]string, n)
	for i := range m {
		m[i] = fmt.Sprintf("$%d", first+i)
	}
	return strings.Join(m, ", ")
}

// importRows returns the inserts of the tenant's rows of an import, in
// export order.
func (p Platform) importRows(im *tenantry.Import) ([]importRow, error) {
	tid := im.Tenant.ID
	var out []importRow
	add := func(line int, typ, query string, args ...any) {
		out = append(out, importRow{line, typ, query, args})
	}
	for i, m := range im.Members {
		add(m.Line, tenantry.ExportMember, `INSERT INTO members (tenant_id, user_id, id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
			tid, m.Value.UserID, im.MemberRowIDs[i], string(m.Value.Role), m.Value.CreatedAt)
	}
	for _, l := range im.Invitations {
		v := l.Value
		add(l.Line, tenantry.ExportInvitation, `INSERT INTO invitations (tenant_id, `+invitationColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, tid, v.ID, v.Email, string(v.Role), v.TokenHash,
			v.CreatedBy, v.ExpiresAt, v.AcceptedAt, v.CreatedAt)
	}
	for _, l := range im.APIKeys {
		k := l.Value
		add(l.Line, tenantry.ExportAPIKey, `INSERT INTO api_keys (tenant_id, `+apiKeyColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, tid, k.ID, k.Name, string(k.Role), k.Prefix, k.Hash,
			k.CreatedBy, k.CreatedAt, k.RevokedAt, k.ExpiresAt)
	}
	for _, l := range im.ChatSessions {
		s := l.Value
		add(l.Line, tenantry.ExportChatSession, `INSERT INTO chat_sessions (tenant_id, id, user_id, visitor, created_at)
			VALUES ($1, $2, $3, $4, $5)`, tid, s.ID, s.UserID, s.Visitor, s.CreatedAt)
	}
	for _, l := range im.ChatMessages {
		m := l.Value
		add(l.Line, tenantry.ExportChatMessage, `INSERT INTO chat_messages (tenant_id, `+chatMessageColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, tid, m.ID, m.SessionID, m.Role, m.Content, m.Model, m.CreatedAt)
	}
	for _, l := range im.Usage {
		add(l.Line, tenantry.ExportUsage, `INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES ($1, $2, $3, $4)`,
			tid, l.Value.Day.Format(time.DateOnly), l.Value.Counter, l.Value.Value)
	}
	for _, l := range im.AuditEvents {
		e := l.Value
		e.TenantID = tid
		add(l.Line, tenantry.ExportAuditEvent, InsertAuditSQL, AuditArgs(&e)...)
	}
	for _, l := range im.Rows {
		names, err := rowNames(l.Value.Row)
		if err != nil {
			return nil, tenantry.BadImport("line %d (%s) is not a JSON object.", l.Line, tenantry.ExportRow)
		}
		add(l.Line, tenantry.ExportRow, p.cfg.Rows.Insert(l.Value.Table, names), string(l.Value.Row))
	}
	return out, nil
}

// rowNames returns the keys of an exported row, sorted.
func rowNames(raw json.RawMessage) ([]string, error) {
	var row map[string]json.RawMessage
	if err := json.Unmarshal(raw, &row); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(row))
	for c := range row {
		names = append(names, c)
	}
	slices.Sort(names)
	return names, nil
}
