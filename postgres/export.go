package postgres

import (
	"context"
	"encoding/json"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

// exportBatch gathers the records of an export: its queries, queued in
// one batch, append them in order.
type exportBatch struct {
	b    *pgx.Batch
	id   string
	recs []tenantry.ExportRecord
}

// add appends the record of type typ with data v.
func (x *exportBatch) add(typ string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	x.recs = append(x.recs, tenantry.ExportRecord{Type: typ, Data: raw})
	return nil
}

// each queues query (its one argument the tenant id), whose rows scan
// reads into records of type typ.
func (x *exportBatch) each(typ, query string, scan func(pgx.Rows) (any, error)) {
	x.b.Queue(query, x.id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			if err := x.add(typ, v); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// queueTenantRows queues the queries of the tenant's own tables, in the
// order of tenantry.ExportRecord.
func (x *exportBatch) queueTenantRows() {
	x.each(tenantry.ExportUser, `SELECT u.id, u.email, u.name FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = $1 ORDER BY m.id`, func(r pgx.Rows) (any, error) {
		var u tenantry.ExportedUser
		return u, r.Scan(&u.ID, &u.Email, &u.Name)
	})
	x.each(tenantry.ExportMember, `SELECT `+memberColumns+` FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = $1 ORDER BY m.id`, func(r pgx.Rows) (any, error) {
		_, m, err := scanMember(r)
		return m, err
	})
	x.each(tenantry.ExportInvitation, `SELECT `+invitationColumns+` FROM invitations WHERE tenant_id = $1 ORDER BY id`,
		func(r pgx.Rows) (any, error) {
			inv, err := scanInvitation(r)
			if err != nil {
				return nil, err
			}
			return tenantry.ExportedInvitation{Invitation: *inv, TokenHash: inv.TokenHash}, nil
		})
	x.each(tenantry.ExportAPIKey, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = $1 ORDER BY id`,
		func(r pgx.Rows) (any, error) {
			k, err := scanAPIKey(r)
			if err != nil {
				return nil, err
			}
			return tenantry.ExportedAPIKey{APIKey: *k, Hash: k.Hash}, nil
		})
	x.each(tenantry.ExportChatSession, `SELECT tenant_id, id, user_id, visitor, created_at FROM chat_sessions WHERE tenant_id = $1 ORDER BY id`,
		func(r pgx.Rows) (any, error) {
			var s tenantry.ChatSession
			err := r.Scan(&s.TenantID, &s.ID, &s.UserID, &s.Visitor, &s.CreatedAt)
			s.CreatedAt = s.CreatedAt.UTC()
			return s, err
		})
	x.each(tenantry.ExportChatMessage, `SELECT `+chatMessageColumns+` FROM chat_messages WHERE tenant_id = $1 ORDER BY id`,
		func(r pgx.Rows) (any, error) {
			var m tenantry.ChatMessage
			err := r.Scan(&m.TenantID, &m.ID, &m.SessionID, &m.Role, &m.Content, &m.Model, &m.CreatedAt)
			m.CreatedAt = m.CreatedAt.UTC()
			return m, err
		})
	x.each(tenantry.ExportUsage, `SELECT day, counter, value FROM usage_counters WHERE tenant_id = $1 ORDER BY day, counter`,
		func(r pgx.Rows) (any, error) {
			var u tenantry.ExportedUsage
			err := r.Scan(&u.Day, &u.Counter, &u.Value)
			return u, err
		})
	x.each(tenantry.ExportAuditEvent, `SELECT `+auditColumns+` FROM audit_events WHERE tenant_id = $1 ORDER BY id`,
		func(r pgx.Rows) (any, error) { return scanAudit(r) })
}

// ExportTenant writes the tenant and all its rows to w as NDJSON, one
// tenantry.ExportRecord a line, reading them in one transaction of that
// tenant (tenant_not_found).
func (p *Platform) ExportTenant(ctx context.Context, id string, w io.Writer) error {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return notFoundTenant()
	}
	x := &exportBatch{b: &pgx.Batch{}, id: id}
	x.b.Queue(`SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, id).QueryRow(func(row pgx.Row) error {
		t, err := scanTenant(row)
		if err != nil {
			return tenantNotFound(err)
		}
		return x.add(tenantry.ExportTenant, t)
	})
	x.queueTenantRows()
	p.db.queueExportRows(x.b, id, x.add)
	if err := p.db.tenantRead(ctx, id, x.b); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	for _, rec := range x.recs {
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	return nil
}
