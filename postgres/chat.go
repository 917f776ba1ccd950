package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

func sessionNotFound() error { return tenantry.Errorf(tenantry.ENOTFOUND, "Chat session not found.") }

// CreateChatSession stores sess; ID, TenantID and CreatedAt are filled in
// when empty.
func (s *TenantStore) CreateChatSession(ctx context.Context, sess *tenantry.ChatSession) error {
	if err := s.check(); err != nil {
		return err
	}
	if sess.ID == "" {
		sess.ID = tenantry.NewID()
	} else if id, ok := tenantry.ParseID(sess.ID); ok {
		sess.ID = id
	} else {
		return tenantry.Invalid(map[string]string{"id": "must be a UUID"})
	}
	if sess.TenantID != "" && sess.TenantID != s.id {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Tenant not found.")
	}
	sess.TenantID = s.id
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = tenantry.Now()
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO chat_sessions (tenant_id, id, user_id, visitor, created_at) VALUES ($1, $2, $3, $4, $5)`,
		s.id, sess.ID, sess.UserID, sess.Visitor, sess.CreatedAt)
	return s.tx(ctx, b, auditIn(ctx, tenantry.NewAuditEvent(ctx, s.id, "chat_session.create", "chat_session", sess.ID)))
}

func queueSession(b *pgx.Batch, tenantID, id string, out **tenantry.ChatSession) {
	b.Queue(`SELECT tenant_id, id, user_id, visitor, created_at FROM chat_sessions WHERE tenant_id = $1 AND id = $2`,
		tenantID, id).QueryRow(func(row pgx.Row) error {
		var cs tenantry.ChatSession
		if err := row.Scan(&cs.TenantID, &cs.ID, &cs.UserID, &cs.Visitor, &cs.CreatedAt); err == pgx.ErrNoRows {
			return sessionNotFound()
		} else if err != nil {
			return err
		}
		cs.CreatedAt = cs.CreatedAt.UTC()
		*out = &cs
		return nil
	})
}

// ChatSession returns a session of this tenant (not_found).
func (s *TenantStore) ChatSession(ctx context.Context, id string) (*tenantry.ChatSession, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, sessionNotFound()
	}
	var cs *tenantry.ChatSession
	b := &pgx.Batch{}
	queueSession(b, s.id, id, &cs)
	if err := s.read(ctx, b); err != nil {
		return nil, err
	}
	return cs, nil
}

// AppendChatMessages stores msgs in the session in one transaction
// (not_found for an unknown session).
func (s *TenantStore) AppendChatMessages(ctx context.Context, sessionID string, msgs ...*tenantry.ChatMessage) error {
	if err := s.check(); err != nil {
		return err
	}
	sid, ok := tenantry.ParseID(sessionID)
	if !ok {
		return sessionNotFound()
	}
	var cs *tenantry.ChatSession
	b := &pgx.Batch{}
	queueSession(b, s.id, sid, &cs)
	for _, m := range msgs {
		if m.ID == "" {
			m.ID = tenantry.NewID()
		}
		m.TenantID, m.SessionID = s.id, sid
		if m.CreatedAt.IsZero() {
			m.CreatedAt = tenantry.Now()
		}
		b.Queue(`INSERT INTO chat_messages (tenant_id, id, session_id, role, content, model, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.id, m.ID, sid, m.Role, m.Content, m.Model, m.CreatedAt)
	}
	return s.tx(ctx, b, nil)
}

const chatMessageColumns = `tenant_id, id, session_id, role, content, model, created_at`

func scanChatMessages(rows pgx.Rows, out *[]*tenantry.ChatMessage) error {
	for rows.Next() {
		var m tenantry.ChatMessage
		if err := rows.Scan(&m.TenantID, &m.ID, &m.SessionID, &m.Role, &m.Content, &m.Model, &m.CreatedAt); err != nil {
			return err
		}
		m.CreatedAt = m.CreatedAt.UTC()
		*out = append(*out, &m)
	}
	return rows.Err()
}

// ChatMessages lists a session's messages, oldest first (not_found).
func (s *TenantStore) ChatMessages(ctx context.Context, sessionID string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error) {
	if err := s.check(); err != nil {
		return nil, "", err
	}
	limit, after, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	sid, ok := tenantry.ParseID(sessionID)
	if !ok {
		return nil, "", sessionNotFound()
	}
	var (
		cs  *tenantry.ChatSession
		out []*tenantry.ChatMessage
	)
	b := &pgx.Batch{}
	queueSession(b, s.id, sid, &cs)
	b.Queue(`SELECT `+chatMessageColumns+` FROM chat_messages WHERE tenant_id = $1 AND session_id = $2
		AND ($3::uuid IS NULL OR id > $3::uuid) ORDER BY id LIMIT $4`, s.id, sid, nullID(after), limit+1).Query(func(rows pgx.Rows) error {
		return scanChatMessages(rows, &out)
	})
	if err := s.read(ctx, b); err != nil {
		return nil, "", err
	}
	return page(out, limit, func(m *tenantry.ChatMessage) string { return m.ID })
}

// RecentChatMessages returns up to n latest messages of a session, oldest
// first.
func (s *TenantStore) RecentChatMessages(ctx context.Context, sessionID string, n int) ([]*tenantry.ChatMessage, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	sid, ok := tenantry.ParseID(sessionID)
	if !ok {
		return nil, sessionNotFound()
	}
	if n <= 0 {
		return []*tenantry.ChatMessage{}, nil
	}
	var (
		cs  *tenantry.ChatSession
		out []*tenantry.ChatMessage
	)
	b := &pgx.Batch{}
	queueSession(b, s.id, sid, &cs)
	b.Queue(`SELECT * FROM (SELECT `+chatMessageColumns+` FROM chat_messages WHERE tenant_id = $1 AND session_id = $2
		ORDER BY id DESC LIMIT $3) m ORDER BY id`, s.id, sid, n).Query(func(rows pgx.Rows) error {
		return scanChatMessages(rows, &out)
	})
	if err := s.read(ctx, b); err != nil {
		return nil, err
	}
	if out == nil {
		out = []*tenantry.ChatMessage{}
	}
	return out, nil
}
