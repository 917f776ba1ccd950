package tenantry

import "context"

// Assistant settings keys.
const (
	SettingWelcome      = "welcome"
	SettingModel        = "model"
	SettingProvider     = "provider"
	SettingSystemPrompt = "system_prompt"
	// SettingPublicAssistant (a boolean) opens the tenant's assistant to
	// anonymous visitors through the public routes.
	SettingPublicAssistant = "public_assistant"
)

// ChatAnswer is the reply to one chat message.
type ChatAnswer struct {
	TenantID  string `json:"tenant_id"`
	SessionID string `json:"session_id"`
	Reply     string `json:"reply"`
	Model     string `json:"model"`
}

// Assistant is a tenant's assistant: sessions bound to one tenant and chat
// with the tenant's own model and persona. Session ids are opaque to
// clients; one used under another tenant is forbidden with the message
// "session does not belong to tenant".
type Assistant interface {
	// CreateSession starts a session in tenant t for the caller in ctx.
	CreateSession(ctx context.Context, t *Tenant) (*ChatSession, error)
	// Chat sends message in session sessionID of tenant t and returns the
	// reply (validation_failed, not_found, forbidden, rate_limited,
	// upstream_error, upstream_timeout).
	Chat(ctx context.Context, t *Tenant, sessionID, message string) (*ChatAnswer, error)
	// Messages lists a session's conversation, oldest first (not_found,
	// forbidden).
	Messages(ctx context.Context, t *Tenant, sessionID string, p Page) ([]*ChatMessage, string, error)
}
