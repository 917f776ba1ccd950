package core

import (
	"context"
	"slices"

	"github.com/tenantry/tenantry"
)

// errSessionNotFound is the not_found error of a chat session.
func errSessionNotFound() error {
	return tenantry.Errorf(tenantry.ENOTFOUND, "Chat session not found.")
}

// chatMessageColumns are the columns scanChatMessage reads, in order.
const chatMessageColumns = `id, session_id, role, content, model, created_at`

// scanChatMessage scans one row of chatMessageColumns.
func scanChatMessage(row scanner, tenantID string) (*tenantry.ChatMessage, string, error) {
	m := &tenantry.ChatMessage{TenantID: tenantID}
	if err := row.Scan(&m.ID, &m.SessionID, &m.Role, &m.Content, &m.Model, &m.CreatedAt); err != nil {
		return nil, "", err
	}
	return m, m.ID, nil
}

// CreateChatSession stores s; ID, TenantID and CreatedAt are filled in
// when empty.
func (c Rules) CreateChatSession(ctx context.Context, s *tenantry.ChatSession) error {
	fields := map[string]string{}
	settleID(fields, &s.ID)
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	return c.ts.Write(ctx, func(tx tenantry.Tx) error {
		if s.TenantID != "" && s.TenantID != tx.TenantID() {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Tenant not found.")
		}
		s.TenantID = tx.TenantID()
		if s.CreatedAt.IsZero() {
			s.CreatedAt = tenantry.Now()
		}
		tx.Queue(ctx, `INSERT INTO chat_sessions (tenant_id, id, user_id, visitor, created_at) VALUES ($1, $2, $3, $4, $5)`,
			s.TenantID, s.ID, s.UserID, s.Visitor, s.CreatedAt)
		return tx.Audit(ctx, "chat_session.create", "chat_session", s.ID, nil)
	})
}

// chatSession reads session id of tx's tenant (not_found).
func chatSession(ctx context.Context, tx tenantry.Tx, id string) (*tenantry.ChatSession, error) {
	sid, ok := tenantry.ParseID(id)
	if !ok {
		return nil, errSessionNotFound()
	}
	s := &tenantry.ChatSession{TenantID: tx.TenantID()}
	err := tx.QueryRow(ctx, `SELECT id, user_id, visitor, created_at FROM chat_sessions WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), sid).Scan(&s.ID, &s.UserID, &s.Visitor, &s.CreatedAt)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, errSessionNotFound()
	}
	return s, err
}

// ChatSession returns a session of this tenant (not_found).
func (c Rules) ChatSession(ctx context.Context, id string) (*tenantry.ChatSession, error) {
	var s *tenantry.ChatSession
	err := c.ts.Read(ctx, func(tx tenantry.Tx) error {
		var err error
		s, err = chatSession(ctx, tx, id)
		return err
	})
	return s, err
}

// AppendChatMessages stores msgs in session sessionID in one transaction
// (not_found for an unknown session, validation_failed for a bad role).
// IDs, TenantID and CreatedAt are filled in when empty. Appending is not
// audited: the messages are the record.
func (c Rules) AppendChatMessages(ctx context.Context, sessionID string, msgs ...*tenantry.ChatMessage) error {
	for _, m := range msgs {
		if !tenantry.ValidChatRole(m.Role) {
			return tenantry.Invalid(map[string]string{"role": "must be system, user or assistant"})
		}
	}
	return c.ts.Write(ctx, func(tx tenantry.Tx) error {
		s, err := chatSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.ID == "" {
				m.ID = tenantry.NewID()
			}
			m.TenantID, m.SessionID = s.TenantID, s.ID
			if m.CreatedAt.IsZero() {
				m.CreatedAt = tenantry.Now()
			}
			tx.Queue(ctx, `INSERT INTO chat_messages (tenant_id, `+chatMessageColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				m.TenantID, m.ID, m.SessionID, m.Role, m.Content, m.Model, m.CreatedAt)
		}
		return nil
	})
}

// ChatMessages lists a session's messages, oldest first (not_found).
func (c Rules) ChatMessages(ctx context.Context, sessionID string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error) {
	limit, after, err := start(p)
	if err != nil {
		return nil, "", err
	}
	if _, ok := tenantry.ParseID(sessionID); !ok {
		return nil, "", errSessionNotFound()
	}
	out, next, err := list(ctx, c.ts, limit, `SELECT `+chatMessageColumns+` FROM chat_messages
		WHERE tenant_id = $1 AND session_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
		[]any{c.ts.ID(), sessionID, after, limit + 1}, scanChatMessage)
	if err == nil && len(out) == 0 {
		err = c.sessionExists(ctx, sessionID)
	}
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// RecentChatMessages returns up to n latest messages of a session, oldest
// first (not_found): the context window sent to a provider. A session
// with messages costs one statement.
func (c Rules) RecentChatMessages(ctx context.Context, sessionID string, n int) ([]*tenantry.ChatMessage, error) {
	if _, ok := tenantry.ParseID(sessionID); !ok {
		return nil, errSessionNotFound()
	}
	n = max(n, 0)
	out, _, err := list(ctx, c.ts, n, `SELECT `+chatMessageColumns+` FROM chat_messages
		WHERE tenant_id = $1 AND session_id = $2 ORDER BY id DESC LIMIT $3`,
		[]any{c.ts.ID(), sessionID, n}, scanChatMessage)
	if err == nil && len(out) == 0 {
		err = c.sessionExists(ctx, sessionID)
	}
	if err != nil {
		return nil, err
	}
	slices.Reverse(out)
	return out, nil
}

// sessionExists returns not_found unless session id is the tenant's: the
// check of a list of messages that came back empty.
func (c Rules) sessionExists(ctx context.Context, id string) error {
	_, err := c.ChatSession(ctx, id)
	return err
}
