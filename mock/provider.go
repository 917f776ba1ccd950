package mock

import (
	"context"

	"github.com/tenantry/tenantry"
)

var _ tenantry.Provider = (*Provider)(nil)

// Provider is a fake tenantry.Provider whose methods call the matching function
// field; calling a method whose field is nil panics.
type Provider struct {
	ChatFn func(ctx context.Context, req tenantry.ChatRequest) (*tenantry.ChatReply, error)
}

// Chat calls ChatFn.
func (m *Provider) Chat(ctx context.Context, req tenantry.ChatRequest) (*tenantry.ChatReply, error) {
	if m.ChatFn == nil {
		panic("mock: Provider.Chat called but ChatFn is nil")
	}
	return m.ChatFn(ctx, req)
}
