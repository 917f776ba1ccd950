package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
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

// exportStep is one query of an export (its one argument the tenant id)
// and what writes each of its rows.
type exportStep struct {
	query string
	fn    func(rows *sql.Rows) error
}

// exportSteps returns the queries of an export, in the order of
// tenantry.ExportRecord, writing through e.
func exportSteps(e *exportWriter) []exportStep {
	return []exportStep{
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
			var err error
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
		for _, st := range exportSteps(e) {
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
