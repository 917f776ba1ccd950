package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tenantry/tenantry"
)

// exportWriter writes export records, one JSON line each.
type exportWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func (e *exportWriter) write(typ string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", typ, err)
	}
	if err := e.enc.Encode(tenantry.ExportRecord{Type: typ, Data: data}); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}

// eachRow runs query and calls fn for every row.
func eachRow(ctx context.Context, q querier, fn func(rows *sql.Rows) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// ExportTenant writes the tenant and all its rows to w as NDJSON, one
// tenantry.ExportRecord a line, in the order of tenantry.ExportRecord, from
// one snapshot (tenant_not_found).
func (p *Platform) ExportTenant(ctx context.Context, id string, w io.Writer) error {
	bw := bufio.NewWriter(w)
	e := &exportWriter{w: bw, enc: json.NewEncoder(bw)}
	err := p.db.read(ctx, func(tx *rtx) error {
		t, err := tenantForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		id := t.ID
		if err := e.write(tenantry.ExportTenant, t); err != nil {
			return err
		}
		steps := []struct {
			query string
			fn    func(rows *sql.Rows) error
		}{
			{`SELECT u.id, u.email, u.name FROM members m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? ORDER BY m.id`,
				func(rows *sql.Rows) error {
					var u tenantry.ExportedUser
					if err := rows.Scan(&u.ID, &u.Email, &u.Name); err != nil {
						return fmt.Errorf("export users: %w", err)
					}
					return e.write(tenantry.ExportUser, u)
				}},
			{memberSelect + ` WHERE m.tenant_id = ? ORDER BY m.id`, func(rows *sql.Rows) error {
				m, _, err := scanMember(rows)
				if err != nil {
					return fmt.Errorf("export members: %w", err)
				}
				return e.write(tenantry.ExportMember, m)
			}},
			{`SELECT ` + invitationColumns + ` FROM invitations WHERE tenant_id = ? ORDER BY id`, func(rows *sql.Rows) error {
				inv, err := scanInvitation(rows)
				if err != nil {
					return fmt.Errorf("export invitations: %w", err)
				}
				return e.write(tenantry.ExportInvitation, tenantry.ExportedInvitation{Invitation: *inv, TokenHash: inv.TokenHash})
			}},
			{`SELECT ` + apiKeyColumns + ` FROM api_keys WHERE tenant_id = ? ORDER BY id`, func(rows *sql.Rows) error {
				k, err := scanAPIKey(rows)
				if err != nil {
					return fmt.Errorf("export api keys: %w", err)
				}
				return e.write(tenantry.ExportAPIKey, tenantry.ExportedAPIKey{APIKey: *k, Hash: k.Hash})
			}},
			{`SELECT id, tenant_id, user_id, visitor, created_at FROM chat_sessions WHERE tenant_id = ? ORDER BY id`, func(rows *sql.Rows) error {
				var s tenantry.ChatSession
				if err := rows.Scan(&s.ID, &s.TenantID, &s.UserID, &s.Visitor, timeScan{&s.CreatedAt}); err != nil {
					return fmt.Errorf("export chat sessions: %w", err)
				}
				return e.write(tenantry.ExportChatSession, s)
			}},
			{`SELECT ` + chatMessageColumns + ` FROM chat_messages WHERE tenant_id = ? ORDER BY id`, func(rows *sql.Rows) error {
				m, err := scanChatMessage(rows)
				if err != nil {
					return fmt.Errorf("export chat messages: %w", err)
				}
				return e.write(tenantry.ExportChatMessage, m)
			}},
			{`SELECT day, counter, value FROM usage_counters WHERE tenant_id = ? ORDER BY day, counter`, func(rows *sql.Rows) error {
				var day string
				var u tenantry.ExportedUsage
				if err := rows.Scan(&day, &u.Counter, &u.Value); err != nil {
					return fmt.Errorf("export usage: %w", err)
				}
				if u.Day, err = time.Parse(dayFormat, day); err != nil {
					return fmt.Errorf("export usage day %q: %w", day, err)
				}
				return e.write(tenantry.ExportUsage, u)
			}},
			{`SELECT tenant_id, ` + auditColumns + ` FROM audit_events WHERE tenant_id = ? ORDER BY id`, func(rows *sql.Rows) error {
				ev, err := scanAudit(rows)
				if err != nil {
					return err
				}
				return e.write(tenantry.ExportAuditEvent, ev)
			}},
		}
		for _, st := range steps {
			if err := eachRow(ctx, tx, st.fn, st.query, id); err != nil {
				return err
			}
		}
		for _, table := range tenantry.ExtensionTables(p.db.exts) {
			if err := exportTable(ctx, tx, e, table, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}

// badExport is the error of a malformed import stream.
func badExport(format string, args ...any) error {
	return tenantry.Errorf(tenantry.EBADREQUEST, "The import is not valid: "+format, args...)
}

// exportOrder is the rank of each record type in an export.
func exportOrder() map[string]int {
	return map[string]int{
		tenantry.ExportTenant: 0, tenantry.ExportUser: 1, tenantry.ExportMember: 2, tenantry.ExportInvitation: 3,
		tenantry.ExportAPIKey: 4, tenantry.ExportProject: 5, tenantry.ExportTask: 6, tenantry.ExportChatSession: 7,
		tenantry.ExportChatMessage: 8, tenantry.ExportUsage: 9, tenantry.ExportAuditEvent: 10, tenantry.ExportRow: 11,
	}
}

// readExport decodes and checks the records of an import stream.
func readExport(r io.Reader) ([]tenantry.ExportRecord, error) {
	dec := json.NewDecoder(r)
	order := exportOrder()
	var recs []tenantry.ExportRecord
	last := -1
	for {
		var rec tenantry.ExportRecord
		err := dec.Decode(&rec)
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, badExport("line %d is not an export record.", len(recs)+1)
		}
		rank, ok := order[rec.Type]
		if !ok {
			return nil, badExport("line %d has unknown type %q.", len(recs)+1, rec.Type)
		}
		if (len(recs) == 0) != (rank == 0) || rank < last {
			return nil, badExport("line %d (%s) is out of order.", len(recs)+1, rec.Type)
		}
		if !rec.ValidText() {
			return nil, badExport("line %d (%s) holds text that is not UTF-8 or has NUL characters.", len(recs)+1, rec.Type)
		}
		last = rank
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return nil, badExport("the stream is empty.")
	}
	return recs, nil
}

// importer recreates one tenant's rows in a transaction.
type importer struct {
	tx     *wtx
	plans  tenantry.Plans
	tenant *tenantry.Tenant
	users  map[string]string // exported user id -> local user id
	// columns are the columns of each extension table, userColumns those
	// that hold a user id.
	columns, userColumns map[string][]string
}

// ImportTenant reads what ExportTenant wrote and recreates the tenant with
// the same ids, all or nothing (bad_request for a malformed stream,
// conflict when the tenant id, slug or domain exists). A member's user is
// the existing user with the same e-mail, or a new user with the exported
// id and no password, who must reset it.
func (p *Platform) ImportTenant(ctx context.Context, r io.Reader) (*tenantry.Tenant, error) {
	recs, err := readExport(r)
	if err != nil {
		return nil, err
	}
	im := &importer{plans: p.db.plans, users: map[string]string{}, columns: p.db.extColumns, userColumns: p.db.extUsers}
	err = p.db.write(ctx, func(tx *wtx) error {
		im.tx = tx
		for i, rec := range recs {
			if err := im.record(ctx, rec); err != nil {
				var te *tenantry.Error
				if errors.As(err, &te) {
					return err
				}
				if isConstraint(err) {
					return badExport("line %d (%s) does not fit the rest of the export.", i+1, rec.Type)
				}
				return fmt.Errorf("import line %d: %w", i+1, err)
			}
		}
		return platformTenantAudit(ctx, tx, im.tenant.ID, "tenant.import", map[string]any{"records": len(recs)})
	})
	if err != nil {
		return nil, err
	}
	return im.tenant, nil
}

// decode decodes a record's data into v (bad_request).
func decode(rec tenantry.ExportRecord, v any) error {
	if err := json.Unmarshal(rec.Data, v); err != nil {
		return badExport("a %s record does not decode.", rec.Type)
	}
	return nil
}

// id checks that s is a UUID (bad_request) and returns it.
func importID(what, s string) (string, error) {
	id, ok := tenantry.ParseID(s)
	if !ok {
		return "", badExport("a %s has no valid id.", what)
	}
	return id, nil
}

// record imports one record.
func (im *importer) record(ctx context.Context, rec tenantry.ExportRecord) error {
	tx := im.tx
	var tid string
	if im.tenant != nil {
		tid = im.tenant.ID
	}
	if row, ok, err := rec.AsRow(tid); err != nil {
		return err
	} else if ok {
		rec = row
	}
	switch rec.Type {
	case tenantry.ExportRow:
		return im.importRow(ctx, rec)
	case tenantry.ExportTenant:
		var t tenantry.Tenant
		if err := decode(rec, &t); err != nil {
			return err
		}
		tc := tenantry.TenantCreate{ID: t.ID, Name: t.Name, Slug: t.Slug, Domain: t.Domain, Plan: t.Plan, Settings: t.Settings, Limits: t.Limits}
		if t.ID == "" {
			return badExport("the tenant has no id.")
		}
		if err := tc.Validate(im.plans); err != nil {
			return err
		}
		if !t.Status.Valid() {
			return tenantry.Invalid(map[string]string{"status": "must be active, suspended or archived"})
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = tenantry.Now()
		}
		if t.UpdatedAt.IsZero() {
			t.UpdatedAt = t.CreatedAt
		}
		t.ID, t.Name, t.Slug, t.Domain, t.Plan, t.Settings, t.Limits = tc.ID, tc.Name, tc.Slug, tc.Domain, tc.Plan, tc.Settings, tc.Limits
		settings, err := encSettings(t.Settings)
		if err != nil {
			return err
		}
		limits, err := encLimits(t.Limits)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tenants (`+tenantColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.Name, t.Slug, nullString(t.Domain), t.Plan, string(t.Status), settings, limits, encTime(t.CreatedAt), encTime(t.UpdatedAt))
		if c := tenantConflict(err); c != nil {
			return c
		} else if err != nil {
			return fmt.Errorf("insert tenant: %w", err)
		}
		im.tenant = &t
	case tenantry.ExportUser:
		var u tenantry.ExportedUser
		if err := decode(rec, &u); err != nil {
			return err
		}
		id, err := importID("user", u.ID)
		if err != nil {
			return err
		}
		if existing, err := userWhere(ctx, tx, `email = ?`, tenantry.NormalizeEmail(u.Email)); err == nil {
			im.users[u.ID] = existing.ID
			return nil
		}
		uc := tenantry.UserCreate{Email: u.Email, Name: u.Name, PasswordHash: "!"}
		if err := uc.Validate(); err != nil {
			return err
		}
		if _, err := userWhere(ctx, tx, `id = ?`, id); err == nil {
			id = tx.newID() // the id belongs to another e-mail
		}
		now := encTime(tenantry.Now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, '', ?, ?)`, id, uc.Email, uc.Name, now, now); err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		im.users[u.ID] = id
	case tenantry.ExportMember:
		var m tenantry.Member
		if err := decode(rec, &m); err != nil {
			return err
		}
		uid, ok := im.users[m.UserID]
		if !ok {
			return badExport("member %s has no user record.", m.UserID)
		}
		if err := validRole(m.Role); err != nil {
			return err
		}
		rowID := tx.newID() // increasing: the join order is kept
		if _, err := tx.ExecContext(ctx, `INSERT INTO members (tenant_id, user_id, id, role, created_at) VALUES (?, ?, ?, ?, ?)`,
			tid, uid, rowID, string(m.Role), encTime(m.CreatedAt)); err != nil {
			return fmt.Errorf("insert member: %w", err)
		}
	case tenantry.ExportInvitation:
		var inv tenantry.ExportedInvitation
		if err := decode(rec, &inv); err != nil {
			return err
		}
		if _, err := importID("invitation", inv.ID); err != nil {
			return err
		}
		if !inv.Role.Valid() {
			return badExport("a %s record has an unknown role.", rec.Type)
		}
		v := inv.Invitation
		v.TenantID, v.TokenHash = tid, inv.TokenHash
		return insertInvitation(ctx, tx, &v)
	case tenantry.ExportAPIKey:
		var k tenantry.ExportedAPIKey
		if err := decode(rec, &k); err != nil {
			return err
		}
		if _, err := importID("api key", k.ID); err != nil {
			return err
		}
		if !k.Role.Valid() {
			return badExport("a %s record has an unknown role.", rec.Type)
		}
		v := k.APIKey
		v.TenantID, v.Hash = tid, k.Hash
		return insertAPIKey(ctx, tx, &v)
	case tenantry.ExportChatSession:
		var s tenantry.ChatSession
		if err := decode(rec, &s); err != nil {
			return err
		}
		if _, err := importID("chat session", s.ID); err != nil {
			return err
		}
		if uid, ok := im.users[s.UserID]; ok {
			s.UserID = uid
		}
		s.TenantID = tid
		return insertChatSession(ctx, tx, &s)
	case tenantry.ExportChatMessage:
		var m tenantry.ChatMessage
		if err := decode(rec, &m); err != nil {
			return err
		}
		if _, err := importID("chat message", m.ID); err != nil {
			return err
		}
		if !tenantry.ValidChatRole(m.Role) {
			return badExport("a %s record has an unknown role.", rec.Type)
		}
		m.TenantID = tid
		return insertChatMessage(ctx, tx, &m)
	case tenantry.ExportUsage:
		var u tenantry.ExportedUsage
		if err := decode(rec, &u); err != nil {
			return err
		}
		if u.Counter == "" {
			return badExport("a usage record has no counter.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES (?, ?, ?, ?)`,
			tid, u.Day.UTC().Format(dayFormat), u.Counter, u.Value); err != nil {
			return fmt.Errorf("insert usage: %w", err)
		}
	case tenantry.ExportAuditEvent:
		var ev tenantry.AuditEvent
		if err := decode(rec, &ev); err != nil {
			return err
		}
		if _, err := importID("audit event", ev.ID); err != nil {
			return err
		}
		ev.TenantID = tid
		return insertAuditRow(ctx, tx, &ev)
	}
	return nil
}
