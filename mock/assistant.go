package mock

import (
	"context"

	"github.com/tenantry/tenantry"
)

var _ tenantry.Assistant = (*Assistant)(nil)

// Assistant is a fake tenantry.Assistant whose methods call the matching function
// field; calling a method whose field is nil panics.
type Assistant struct {
	ChatFn          func(ctx context.Context, t *tenantry.Tenant, sessionID string, message string) (*tenantry.ChatAnswer, error)
	CreateSessionFn func(ctx context.Context, t *tenantry.Tenant) (*tenantry.ChatSession, error)
	MessagesFn      func(ctx context.Context, t *tenantry.Tenant, sessionID string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error)
}

// Chat calls ChatFn.
func (m *Assistant) Chat(ctx context.Context, t *tenantry.Tenant, sessionID string, message string) (*tenantry.ChatAnswer, error) {
	if m.ChatFn == nil {
		panic("mock: Assistant.Chat called but ChatFn is nil")
	}
	return m.ChatFn(ctx, t, sessionID, message)
}

// CreateSession calls CreateSessionFn.
func (m *Assistant) CreateSession(ctx context.Context, t *tenantry.Tenant) (*tenantry.ChatSession, error) {
	if m.CreateSessionFn == nil {
		panic("mock: Assistant.CreateSession called but CreateSessionFn is nil")
	}
	return m.CreateSessionFn(ctx, t)
}

// Messages calls MessagesFn.
func (m *Assistant) Messages(ctx context.Context, t *tenantry.Tenant, sessionID string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error) {
	if m.MessagesFn == nil {
		panic("mock: Assistant.Messages called but MessagesFn is nil")
	}
	return m.MessagesFn(ctx, t, sessionID, p)
}
