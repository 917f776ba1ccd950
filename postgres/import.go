package postgres

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/tenantry/tenantry"
)

// badImport is the error of a malformed import stream.
func badImport(format string, args ...any) error {
	return tenantry.Errorf(tenantry.EBADREQUEST, "The import is not valid: "+format, args...)
}

// importRank returns the rank of each record type in an export, in the
// order of tenantry.ExportRecord.
func importRank() map[string]int {
	return map[string]int{
		tenantry.ExportTenant: 0, tenantry.ExportUser: 1, tenantry.ExportMember: 2, tenantry.ExportInvitation: 3,
		tenantry.ExportAPIKey: 4, tenantry.ExportProject: 5, tenantry.ExportTask: 6, tenantry.ExportChatSession: 7,
		tenantry.ExportChatMessage: 8, tenantry.ExportUsage: 9, tenantry.ExportAuditEvent: 10, tenantry.ExportRow: 11,
	}
}

// importLine is one record of an import stream with its line number.
type importLine struct {
	n   int
	rec tenantry.ExportRecord
}

// readImport reads the records of an import stream, one a line (blank
// lines are skipped), and checks their types and order (bad_request).
func readImport(r io.Reader) ([]importLine, error) {
	br := bufio.NewReader(r)
	ranks := importRank()
	var out []importLine
	last := -1
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read import: %w", err)
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			var rec tenantry.ExportRecord
			if json.Unmarshal(line, &rec) != nil {
				return nil, badImport("line %d is not an export record.", n)
			}
			rank, ok := ranks[rec.Type]
			if !ok {
				return nil, badImport("line %d has unknown type %q.", n, rec.Type)
			}
			if (len(out) == 0) != (rank == 0) || rank < last {
				return nil, badImport("line %d (%s) is out of order.", n, rec.Type)
			}
			if !rec.ValidText() {
				return nil, badImport("line %d (%s) holds text that is not UTF-8 or has NUL characters.", n, rec.Type)
			}
			last = rank
			out = append(out, importLine{n: n, rec: rec})
		}
		if err != nil { // io.EOF
			break
		}
	}
	if len(out) == 0 {
		return nil, badImport("the stream is empty.")
	}
	return out, nil
}

// decodeLine decodes a record's data into v (bad_request).
func decodeLine(l importLine, v any) error {
	if len(l.rec.Data) == 0 || json.Unmarshal(l.rec.Data, v) != nil {
		return badImport("line %d (%s) does not decode.", l.n, l.rec.Type)
	}
	return nil
}

// lineID parses the id of a record (bad_request).
func lineID(l importLine, s string) (string, error) {
	id, ok := tenantry.ParseID(s)
	if !ok {
		return "", badImport("line %d (%s) has no valid id.", l.n, l.rec.Type)
	}
	return id, nil
}

// importUser is a user record: the exported id, the e-mail and the name.
type importUser struct {
	line  int
	id    string
	email string
	name  string
}

// importRow is one insert of a tenant row, with the line it comes from.
type importRow struct {
	line int
	typ  string
	sql  string
	args []any
}

// importPlan is a decoded and checked import: the tenant, its users and
// the inserts of its rows in export order. Task assignees and chat session
// users are exported user ids until the users are resolved.
type importPlan struct {
	tenant   *tenantry.Tenant
	settings string
	limits   string
	users    []importUser
	rows     []importRow
	// userArgs names the row arguments that hold an exported user id.
	userArgs []userArg
	// rowUsers names the extension rows with columns that hold one.
	rowUsers []rowUsers
}

// userArg names an argument of a row that holds an exported user id.
// rowUsers is an extension row (its JSON, argument 0) whose columns hold
// user ids.
type rowUsers struct {
	row     int
	table   string
	columns []string
}

type userArg struct {
	row, arg int
	// required is true when the user must be a user record of the export.
	required bool
}

// planImport decodes and checks every record (bad_request,
// validation_failed) without touching the database.
func (db *DB) planImport(lines []importLine) (*importPlan, error) {
	pl := &importPlan{}
	var t tenantry.Tenant
	first := lines[0]
	if err := decodeLine(first, &t); err != nil {
		return nil, err
	}
	if t.ID == "" {
		return nil, badImport("line %d (tenant) has no id.", first.n)
	}
	tc := tenantry.TenantCreate{ID: t.ID, Name: t.Name, Slug: t.Slug, Domain: t.Domain, Plan: t.Plan, Settings: t.Settings, Limits: t.Limits}
	if err := tc.Validate(db.plans); err != nil {
		return nil, err
	}
	if !t.Status.Valid() {
		return nil, tenantry.Invalid(map[string]string{"status": "must be active, suspended or archived"})
	}
	raw, err := json.Marshal(tc.Settings)
	if err != nil {
		return nil, tenantry.Invalid(map[string]string{"settings": "must be a JSON object"})
	}
	t.ID, t.Name, t.Slug, t.Domain, t.Plan = tc.ID, tc.Name, tc.Slug, tc.Domain, tc.Plan
	t.Settings = tenantry.Settings{}
	if err := json.Unmarshal(raw, &t.Settings); err != nil {
		return nil, fmt.Errorf("decode settings: %w", err)
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = tenantry.Now()
	}
	if t.UpdatedAt.IsZero() {
		t.UpdatedAt = t.CreatedAt
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	t.Limits = tc.Limits
	rawLimits, err := json.Marshal(t.Limits)
	if err != nil {
		return nil, fmt.Errorf("encode limits: %w", err)
	}
	pl.tenant, pl.settings, pl.limits = &t, string(raw), string(rawLimits)
	tid := t.ID

	// Member row ids keep the join order: fresh ids, sorted, given out in
	// the order of the member records.
	var memberIDs []string
	for _, l := range lines {
		if l.rec.Type == tenantry.ExportMember {
			memberIDs = append(memberIDs, tenantry.NewID())
		}
	}
	slices.Sort(memberIDs)

	add := func(l importLine, sql string, args ...any) int {
		pl.rows = append(pl.rows, importRow{line: l.n, typ: l.rec.Type, sql: sql, args: args})
		return len(pl.rows) - 1
	}
	for _, l := range lines[1:] {
		if row, ok, err := l.rec.AsRow(tid); err != nil {
			return nil, badImport("line %d (%s) is not a JSON object.", l.n, l.rec.Type)
		} else if ok {
			l.rec = row
		}
		switch l.rec.Type {
		case tenantry.ExportRow:
			sql, table, arg, err := db.importRow(l, tid)
			if err != nil {
				return nil, err
			}
			i := add(l, sql, arg)
			if cols := db.extUsers[table]; len(cols) > 0 {
				pl.rowUsers = append(pl.rowUsers, rowUsers{row: i, table: table, columns: cols})
			}
		case tenantry.ExportTenant:
			return nil, badImport("line %d (tenant) is out of order.", l.n)
		case tenantry.ExportUser:
			var u tenantry.ExportedUser
			if err := decodeLine(l, &u); err != nil {
				return nil, err
			}
			id, err := lineID(l, u.ID)
			if err != nil {
				return nil, err
			}
			uc := tenantry.UserCreate{Email: u.Email, Name: u.Name, PasswordHash: "!"}
			if err := uc.Validate(); err != nil {
				return nil, err
			}
			pl.users = append(pl.users, importUser{line: l.n, id: id, email: uc.Email, name: uc.Name})
		case tenantry.ExportMember:
			var m tenantry.Member
			if err := decodeLine(l, &m); err != nil {
				return nil, err
			}
			if !m.Role.Valid() {
				return nil, tenantry.Invalid(map[string]string{"role": "must be owner, admin or member"})
			}
			uid, err := lineID(l, m.UserID)
			if err != nil {
				return nil, err
			}
			rowID := memberIDs[0]
			memberIDs = memberIDs[1:]
			i := add(l, `INSERT INTO members (tenant_id, user_id, id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
				tid, uid, rowID, string(m.Role), m.CreatedAt)
			pl.userArgs = append(pl.userArgs, userArg{row: i, arg: 1, required: true})
		case tenantry.ExportInvitation:
			var inv tenantry.ExportedInvitation
			if err := decodeLine(l, &inv); err != nil {
				return nil, err
			}
			id, err := lineID(l, inv.ID)
			if err != nil {
				return nil, err
			}
			if !inv.Role.Valid() {
				return nil, badImport("line %d (%s) has an unknown role.", l.n, l.rec.Type)
			}
			add(l, `INSERT INTO invitations (tenant_id, id, email, role, token_hash, created_by, expires_at, accepted_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, tid, id, inv.Email, string(inv.Role), inv.TokenHash,
				inv.CreatedBy, inv.ExpiresAt, inv.AcceptedAt, inv.CreatedAt)
		case tenantry.ExportAPIKey:
			var k tenantry.ExportedAPIKey
			if err := decodeLine(l, &k); err != nil {
				return nil, err
			}
			id, err := lineID(l, k.ID)
			if err != nil {
				return nil, err
			}
			if k.Hash == "" {
				return nil, badImport("line %d (api_key) has no hash.", l.n)
			}
			if !k.Role.Valid() {
				return nil, badImport("line %d (%s) has an unknown role.", l.n, l.rec.Type)
			}
			add(l, `INSERT INTO api_keys (tenant_id, id, name, role, prefix, hash, created_by, created_at, revoked_at, expires_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, tid, id, k.Name, string(k.Role), k.Prefix, k.Hash,
				k.CreatedBy, k.CreatedAt, k.RevokedAt, k.ExpiresAt)
		case tenantry.ExportChatSession:
			var s tenantry.ChatSession
			if err := decodeLine(l, &s); err != nil {
				return nil, err
			}
			id, err := lineID(l, s.ID)
			if err != nil {
				return nil, err
			}
			i := add(l, `INSERT INTO chat_sessions (tenant_id, id, user_id, visitor, created_at) VALUES ($1, $2, $3, $4, $5)`,
				tid, id, s.UserID, s.Visitor, s.CreatedAt)
			pl.userArgs = append(pl.userArgs, userArg{row: i, arg: 2})
		case tenantry.ExportChatMessage:
			var m tenantry.ChatMessage
			if err := decodeLine(l, &m); err != nil {
				return nil, err
			}
			id, err := lineID(l, m.ID)
			if err != nil {
				return nil, err
			}
			sid, err := lineID(l, m.SessionID)
			if err != nil {
				return nil, err
			}
			if !tenantry.ValidChatRole(m.Role) {
				return nil, badImport("line %d (%s) has an unknown role.", l.n, l.rec.Type)
			}
			add(l, `INSERT INTO chat_messages (tenant_id, id, session_id, role, content, model, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, tid, id, sid, m.Role, m.Content, m.Model, m.CreatedAt)
		case tenantry.ExportUsage:
			var u tenantry.ExportedUsage
			if err := decodeLine(l, &u); err != nil {
				return nil, err
			}
			if u.Counter == "" {
				return nil, badImport("line %d (usage) has no counter.", l.n)
			}
			add(l, `INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES ($1, $2, $3, $4)`,
				tid, u.Day.UTC().Format("2006-01-02"), u.Counter, u.Value)
		case tenantry.ExportAuditEvent:
			var e tenantry.AuditEvent
			if err := decodeLine(l, &e); err != nil {
				return nil, err
			}
			id, err := lineID(l, e.ID)
			if err != nil {
				return nil, err
			}
			var data any
			if len(e.Data) > 0 {
				data = string(e.Data)
			}
			add(l, `INSERT INTO audit_events (tenant_id, id, actor_type, actor_id, action, target_type, target_id, at, request_id, data)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`, tid, id, string(e.Actor.Type), e.Actor.ID,
				e.Action, e.TargetType, e.TargetID, e.At, e.RequestID, data)
		}
	}
	return pl, nil
}

// resolveUsers maps every exported user to a local one, in tx: the user
// with the same e-mail, else a new user with the exported id (a fresh id
// when another e-mail has it) and no password, who must reset it. It
// returns the inserts of the new users and rewrites the user ids of rows.
func (pl *importPlan) resolveUsers(ctx context.Context, tx pgx.Tx) ([]importRow, error) {
	emails := make([]string, 0, len(pl.users))
	ids := make([]string, 0, len(pl.users))
	for _, u := range pl.users {
		emails, ids = append(emails, u.email), append(ids, u.id)
	}
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
	local := map[string]string{} // exported user id -> local user id
	var inserts []importRow
	now := tenantry.Now()
	for _, u := range pl.users {
		if id, ok := byEmail[u.email]; ok {
			local[u.id] = id
			continue
		}
		id := u.id
		if taken[id] {
			id = tenantry.NewID()
		}
		byEmail[u.email], taken[id], local[u.id] = id, true, id
		inserts = append(inserts, importRow{line: u.line, typ: tenantry.ExportUser,
			sql:  `INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ($1, $2, $3, '', $4, $4)`,
			args: []any{id, u.email, u.name, now}})
	}
	for _, ua := range pl.userArgs {
		r := &pl.rows[ua.row]
		exported, _ := r.args[ua.arg].(string)
		id, ok := local[exported]
		if !ok {
			if ua.required {
				return nil, badImport("line %d (%s) names user %s, who has no user record.", r.line, r.typ, exported)
			}
			continue
		}
		r.args[ua.arg] = id
	}
	for _, ru := range pl.rowUsers {
		r := &pl.rows[ru.row]
		raw, _ := r.args[0].(string)
		mapped, err := tenantry.ExportedRow{Table: ru.table, Row: json.RawMessage(raw)}.MapUsers(ru.columns, func(id string) (string, bool) {
			local, ok := local[id]
			return local, ok
		})
		if err != nil {
			return nil, badImport("line %d (%s): %s.", r.line, r.typ, err)
		}
		r.args[0] = string(mapped.Row)
	}
	return inserts, nil
}

// ImportTenant reads what ExportTenant wrote and recreates the tenant with
// the same ids, all or nothing, in one transaction (bad_request for a
// malformed stream, naming the line; conflict when the tenant id, slug or
// domain exists). A member's user is the existing user with the same
// e-mail, or a new user with the exported id and no password, who must
// reset it. The tenant's rows are written with app.tenant_id set to the
// imported tenant, so row level security checks every one of them. The
// import is audited as tenant.import in the platform trail.
func (p *Platform) ImportTenant(ctx context.Context, r io.Reader) (*tenantry.Tenant, error) {
	lines, err := readImport(r)
	if err != nil {
		return nil, err
	}
	pl, err := p.db.planImport(lines)
	if err != nil {
		return nil, err
	}
	t := pl.tenant
	err = p.db.globalTx(ctx, nil, func(tx *wtx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tenants (id, name, slug, domain, plan, status, settings, limits, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, t.ID, t.Name, t.Slug, nullString(t.Domain), t.Plan,
			string(t.Status), pl.settings, pl.limits, t.CreatedAt, t.UpdatedAt); err != nil {
			if err = tenantConflict(err); dataError(err) {
				return badImport("line %d (tenant) does not fit the database.", lines[0].n)
			}
			return err
		}
		// t.ID comes from tenantry.ParseID (TenantCreate.Validate).
		if err := p.db.execTenant(ctx, tx, t.ID); err != nil {
			return err
		}
		users, err := pl.resolveUsers(ctx, tx)
		if err != nil {
			return err
		}
		all := append(users, pl.rows...)
		ev := tenantry.NewAuditEvent(ctx, t.ID, "tenant.import", "tenant", t.ID)
		if ev.Data, err = json.Marshal(map[string]any{"records": len(lines)}); err != nil {
			return err
		}
		done := -1
		b := &pgx.Batch{}
		for i, row := range all {
			b.Queue(row.sql, row.args...).Exec(func(pgconn.CommandTag) error {
				done = i
				return nil
			})
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			if failed := done + 1; failed < len(all) && dataError(err) {
				return badImport("line %d (%s) does not fit the rest of the export.", all[failed].line, all[failed].typ)
			}
			return fmt.Errorf("import: %w", err)
		}
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

// dataError reports whether err is a database error caused by the data:
// a data exception (class 22) or an integrity constraint violation (class
// 23).
func dataError(err error) bool {
	var pe *pgconn.PgError
	return asPgError(err, &pe) && len(pe.Code) == 5 && (pe.Code[:2] == "22" || pe.Code[:2] == "23")
}
