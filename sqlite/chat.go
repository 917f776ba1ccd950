package sqlite

import (
	"context"
	"fmt"

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
