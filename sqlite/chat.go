package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/tenantry/tenantry"
)

// chatMessageColumns are the columns scanChatMessage reads, in order.
const chatMessageColumns = `id, tenant_id, session_id, role, content, model, created_at`

// scanChatMessage scans one chat message row.
func scanChatMessage(row interface{ Scan(...any) error }) (*tenantry.ChatMessage, error) {
	var m tenantry.ChatMessage
	if err := row.Scan(&m.ID, &m.TenantID, &m.SessionID, &m.Role, &m.Content, &m.Model, timeScan{&m.CreatedAt}); err != nil {
		return nil, err
	}
	return &m, nil
}

// insertChatSession inserts s into tx as it is.
func insertChatSession(ctx context.Context, tx *wtx, s *tenantry.ChatSession) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO chat_sessions (id, tenant_id, user_id, visitor, created_at) VALUES (?, ?, ?, ?, ?)`,
		s.ID, s.TenantID, s.UserID, s.Visitor, encTime(s.CreatedAt))
	if isUnique(err, "") {
		return tenantry.Errorf(tenantry.ECONFLICT, "This chat session already exists.")
	} else if err != nil {
		return fmt.Errorf("insert chat session: %w", err)
	}
	return nil
}

// insertChatMessage inserts m into tx as it is.
func insertChatMessage(ctx context.Context, tx *wtx, m *tenantry.ChatMessage) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO chat_messages (`+chatMessageColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.TenantID, m.SessionID, m.Role, m.Content, m.Model, encTime(m.CreatedAt))
	switch {
	case isUnique(err, ""):
		return tenantry.Errorf(tenantry.ECONFLICT, "This chat message already exists.")
	case isForeignKey(err):
		return tenantry.Errorf(tenantry.ENOTFOUND, "Chat session not found.")
	case err != nil:
		return fmt.Errorf("insert chat message: %w", err)
	}
	return nil
}

// CreateChatSession stores s; ID, TenantID and CreatedAt are filled in when
// empty.
func (h *TenantStore) CreateChatSession(ctx context.Context, s *tenantry.ChatSession) error {
	if h.err != nil {
		return h.err
	}
	return h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		if s.ID == "" {
			s.ID = tx.newID()
		}
		s.TenantID = h.id
		if s.CreatedAt.IsZero() {
			s.CreatedAt = tenantry.Now()
		}
		if err := insertChatSession(ctx, tx, s); err != nil {
			return err
		}
		return h.audit(ctx, tx, "chat_session.create", "chat_session", s.ID, nil)
	})
}

// chatSession reads session id of tenantID (not_found).
func chatSession(ctx context.Context, q querier, tenantID, id string) (*tenantry.ChatSession, error) {
	var s tenantry.ChatSession
	err := q.QueryRowContext(ctx, `SELECT id, tenant_id, user_id, visitor, created_at FROM chat_sessions WHERE tenant_id = ? AND id = ?`,
		tenantID, id).Scan(&s.ID, &s.TenantID, &s.UserID, &s.Visitor, timeScan{&s.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Chat session not found.")
	} else if err != nil {
		return nil, dbErr(fmt.Errorf("read chat session: %w", err))
	}
	return &s, nil
}

// ChatSession returns a session of this tenant (not_found).
func (h *TenantStore) ChatSession(ctx context.Context, id string) (*tenantry.ChatSession, error) {
	q, err := h.reader()
	if err != nil {
		return nil, err
	}
	return chatSession(ctx, q, h.id, id)
}

// AppendChatMessages stores msgs in session sessionID in one transaction
// (not_found for an unknown session). IDs, TenantID and CreatedAt are
// filled in when empty. Appending is not audited: the messages are the
// record.
func (h *TenantStore) AppendChatMessages(ctx context.Context, sessionID string, msgs ...*tenantry.ChatMessage) error {
	if h.err != nil {
		return h.err
	}
	for _, m := range msgs {
		switch m.Role {
		case tenantry.ChatRoleSystem, tenantry.ChatRoleUser, tenantry.ChatRoleAssistant:
		default:
			return tenantry.Invalid(map[string]string{"role": "must be system, user or assistant"})
		}
	}
	return h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		if _, err := chatSession(ctx, tx, h.id, sessionID); err != nil {
			return err
		}
		for _, m := range msgs {
			if m.ID == "" {
				m.ID = tx.newID()
			}
			m.TenantID = h.id
			m.SessionID = sessionID
			if m.CreatedAt.IsZero() {
				m.CreatedAt = tenantry.Now()
			}
			if err := insertChatMessage(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// ChatMessages lists a session's messages, oldest first (not_found).
func (h *TenantStore) ChatMessages(ctx context.Context, sessionID string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error) {
	if h.err != nil {
		return nil, "", h.err
	}
	limit, after, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	var out []*tenantry.ChatMessage
	var next string
	err = h.read(ctx, func(tx *rtx) error {
		if _, err := chatSession(ctx, tx, h.id, sessionID); err != nil {
			return err
		}
		var err error
		out, err = listChatMessages(ctx, tx, `SELECT `+chatMessageColumns+` FROM chat_messages
			WHERE tenant_id = ? AND session_id = ? AND id > ? ORDER BY id LIMIT ?`, h.id, sessionID, after, limit+1)
		if err != nil {
			return err
		}
		var n int
		n, next = page(len(out), limit, func(i int) string { return out[i].ID })
		out = out[:n]
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// RecentChatMessages returns up to n latest messages of a session, oldest
// first (not_found).
func (h *TenantStore) RecentChatMessages(ctx context.Context, sessionID string, n int) ([]*tenantry.ChatMessage, error) {
	if h.err != nil {
		return nil, h.err
	}
	var out []*tenantry.ChatMessage
	err := h.read(ctx, func(tx *rtx) error {
		if _, err := chatSession(ctx, tx, h.id, sessionID); err != nil {
			return err
		}
		var err error
		out, err = listChatMessages(ctx, tx, `SELECT `+chatMessageColumns+` FROM chat_messages
			WHERE tenant_id = ? AND session_id = ? ORDER BY id DESC LIMIT ?`, h.id, sessionID, max(n, 0))
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.Reverse(out)
	return out, nil
}

// listChatMessages runs a chat message query.
func listChatMessages(ctx context.Context, q querier, query string, args ...any) ([]*tenantry.ChatMessage, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list chat messages: %w", err)
	}
	defer rows.Close()
	out := []*tenantry.ChatMessage{}
	for rows.Next() {
		m, err := scanChatMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("list chat messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list chat messages: %w", err)
	}
	return out, nil
}
