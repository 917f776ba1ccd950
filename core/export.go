package core

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/tenantry/tenantry"
)

// exportStep is one query of an export, its one argument the tenant id,
// and the record each of its rows becomes.
type exportStep struct {
	typ, query string
	record     func(rows tenantry.Rows, tenantID string) (any, error)
}

// exportSteps are the queries of an export of Tenantry's own tables, in the
// order of tenantry.ExportRecord.
var exportSteps = [...]exportStep{
	{tenantry.ExportUser, `SELECT u.id, u.email, u.name FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = $1 ORDER BY m.id`, func(r tenantry.Rows, _ string) (any, error) {
		var u tenantry.ExportedUser
		return u, r.Scan(&u.ID, &u.Email, &u.Name)
	}},
	{tenantry.ExportMember, memberSelect + ` ORDER BY m.id`, func(r tenantry.Rows, id string) (any, error) {
		m, _, err := scanMember(r, id)
		return m, err
	}},
	{tenantry.ExportInvitation, `SELECT ` + invitationColumns + ` FROM invitations WHERE tenant_id = $1 ORDER BY id`,
		func(r tenantry.Rows, id string) (any, error) {
			inv, err := scanInvitation(r, id)
			if err != nil {
				return nil, err
			}
			return tenantry.ExportedInvitation{Invitation: *inv, TokenHash: inv.TokenHash}, nil
		}},
	{tenantry.ExportAPIKey, `SELECT ` + apiKeyColumns + ` FROM api_keys WHERE tenant_id = $1 ORDER BY id`,
		func(r tenantry.Rows, id string) (any, error) {
			k, err := scanAPIKey(r, id)
			if err != nil {
				return nil, err
			}
			return tenantry.ExportedAPIKey{APIKey: *k, Hash: k.Hash}, nil
		}},
	{tenantry.ExportChatSession, `SELECT id, user_id, visitor, created_at FROM chat_sessions WHERE tenant_id = $1 ORDER BY id`,
		func(r tenantry.Rows, id string) (any, error) {
			s := tenantry.ChatSession{TenantID: id}
			return s, r.Scan(&s.ID, &s.UserID, &s.Visitor, &s.CreatedAt)
		}},
	{tenantry.ExportChatMessage, `SELECT ` + chatMessageColumns + ` FROM chat_messages WHERE tenant_id = $1 ORDER BY id`,
		func(r tenantry.Rows, id string) (any, error) {
			m, _, err := scanChatMessage(r, id)
			return m, err
		}},
	{tenantry.ExportUsage, `SELECT CAST(day AS TEXT), counter, value FROM usage_counters WHERE tenant_id = $1
		ORDER BY day, counter`, func(r tenantry.Rows, _ string) (any, error) {
		var u tenantry.ExportedUsage
		var day string
		if err := r.Scan(&day, &u.Counter, &u.Value); err != nil {
			return nil, err
		}
		var err error
		if u.Day, err = time.Parse(time.DateOnly, day); err != nil {
			return nil, fmt.Errorf("export usage day %q: %w", day, err)
		}
		return u, nil
	}},
	{tenantry.ExportAuditEvent, `SELECT ` + auditColumns + ` FROM audit_events WHERE tenant_id = $1 ORDER BY id`,
		func(r tenantry.Rows, id string) (any, error) {
			ev, _, err := scanAuditEvent(r, id)
			return ev, err
		}},
}

// exportWriter writes export records, one JSON line each.
type exportWriter struct{ enc *json.Encoder }

// put writes the record of type typ with data v.
func (e exportWriter) put(typ string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", typ, err)
	}
	return e.enc.Encode(tenantry.ExportRecord{Type: typ, Data: data})
}

// ExportTenant writes tenant id and all its rows to w as NDJSON, one
// tenantry.ExportRecord a line, in the order of tenantry.ExportRecord,
// from one snapshot (tenant_not_found). The records are written as the
// rows are read, so an export holds one buffer, not the tenant.
func (p Platform) ExportTenant(ctx context.Context, id string, w io.Writer) error {
	tid, ok := tenantry.ParseID(id)
	if !ok {
		return errTenantNotFound()
	}
	bw := bufio.NewWriter(w)
	e := exportWriter{enc: json.NewEncoder(bw)}
	err := p.g.Snapshot(ctx, tid, func(tx tenantry.Tx) error {
		t, err := tenantRow(ctx, tx, "id", tid)
		if err != nil {
			return err
		}
		if err := e.put(tenantry.ExportTenant, t); err != nil {
			return err
		}
		for _, st := range exportSteps {
			if err := exportQuery(ctx, tx, st.query, func(r tenantry.Rows) error {
				v, err := st.record(r, tid)
				if err != nil {
					return err
				}
				return e.put(st.typ, v)
			}); err != nil {
				return err
			}
		}
		return p.exportRows(ctx, tx, e)
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// exportRows writes the rows of the extensions' tables in declared order,
// one ExportRow record each, as the backend's Rows.Select gives them.
func (p Platform) exportRows(ctx context.Context, tx tenantry.Tx, e exportWriter) error {
	for _, table := range tenantry.ExtensionTables(p.cfg.Extensions) {
		err := exportQuery(ctx, tx, p.cfg.Rows.Select(table, p.cfg.Columns[table]), func(r tenantry.Rows) error {
			var raw []byte
			if err := r.Scan(&raw); err != nil {
				return err
			}
			return e.put(tenantry.ExportRow, tenantry.ExportedRow{Table: table, Row: raw})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// exportQuery runs query of tx's tenant and calls fn for every row.
func exportQuery(ctx context.Context, tx tenantry.Tx, query string, fn func(tenantry.Rows) error) error {
	rows, err := tx.Query(ctx, query, tx.TenantID())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
