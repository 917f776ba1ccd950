package tenantry

import (
	"context"
	"time"
)

// ChatSession is a conversation with a tenant's assistant. It belongs to one
// tenant; used under another tenant it is refused. UserID is the member who
// started it ("" for an API key or a visitor); Visitor marks a session of
// the tenant's public assistant, started by an anonymous visitor, which
// members' routes never see and which sees no member's session.
type ChatSession struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenant_id"`
	UserID    string    `json:"user_id"`
	Visitor   bool      `json:"visitor,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Chat message roles.
const (
	ChatRoleSystem    = "system"
	ChatRoleUser      = "user"
	ChatRoleAssistant = "assistant"
)

// ValidChatRole reports whether role is a chat message role: system, user
// or assistant.
func ValidChatRole(role string) bool {
	return role == ChatRoleSystem || role == ChatRoleUser || role == ChatRoleAssistant
}

// ChatMessage is one message of a session.
type ChatMessage struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenant_id"`
	SessionID string    `json:"session_id"`
	Role      string    `json:"role"`
	Content   string    `json:"content"`
	Model     string    `json:"model,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ChatStore stores the assistant sessions and messages of one tenant.
type ChatStore interface {
	// CreateChatSession stores s; ID, TenantID and CreatedAt are filled in
	// when empty.
	CreateChatSession(ctx context.Context, s *ChatSession) error
	// ChatSession returns a session of this tenant (not_found).
	ChatSession(ctx context.Context, id string) (*ChatSession, error)
	// AppendChatMessages stores msgs in session sessionID in one
	// transaction (not_found for an unknown session). IDs, TenantID and
	// CreatedAt are filled in when empty.
	AppendChatMessages(ctx context.Context, sessionID string, msgs ...*ChatMessage) error
	// ChatMessages lists a session's messages, oldest first (not_found).
	ChatMessages(ctx context.Context, sessionID string, p Page) ([]*ChatMessage, string, error)
	// RecentChatMessages returns up to n latest messages of a session,
	// oldest first: the context window sent to a provider.
	RecentChatMessages(ctx context.Context, sessionID string, n int) ([]*ChatMessage, error)
}

// ChatRequest is what a Provider is asked.
type ChatRequest struct {
	Model        string
	SystemPrompt string
	// Messages is the conversation so far, oldest first, ending with the
	// user's new message.
	Messages []*ChatMessage
}

// ChatReply is a Provider's answer.
type ChatReply struct {
	Content string
	Model   string
}

// Provider answers chat requests: a built-in model or a remote
// chat-completions endpoint. Errors are upstream_error or upstream_timeout.
type Provider interface {
	Chat(ctx context.Context, req ChatRequest) (*ChatReply, error)
}
