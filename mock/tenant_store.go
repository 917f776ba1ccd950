package mock

import (
	"context"

	"github.com/tenantry/tenantry"
)

var _ tenantry.TenantStore = (*TenantStore)(nil)

// TenantStore is a fake tenantry.TenantStore whose methods call the matching function
// field; calling a method whose field is nil panics.
type TenantStore struct {
	APIKeyFn             func(ctx context.Context, id string) (*tenantry.APIKey, error)
	EventsFn             func(ctx context.Context, after int64, limit int) ([]*tenantry.Event, error)
	LatestEventSeqFn     func(ctx context.Context) (int64, error)
	APIKeyByHashFn       func(ctx context.Context, hash string) (*tenantry.APIKey, error)
	APIKeysFn            func(ctx context.Context, p tenantry.Page) ([]*tenantry.APIKey, string, error)
	AcceptInvitationFn   func(ctx context.Context, tokenHash string, userID string) (*tenantry.Member, error)
	AddMemberFn          func(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error)
	AddUsageFn           func(ctx context.Context, counter string, n int64) error
	AppendChatMessagesFn func(ctx context.Context, sessionID string, msgs ...*tenantry.ChatMessage) error
	AuditEventsFn        func(ctx context.Context, f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error)
	ChatMessagesFn       func(ctx context.Context, sessionID string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error)
	ChatSessionFn        func(ctx context.Context, id string) (*tenantry.ChatSession, error)
	CreateAPIKeyFn       func(ctx context.Context, key *tenantry.APIKey) error
	CreateChatSessionFn  func(ctx context.Context, s *tenantry.ChatSession) error
	CreateInvitationFn   func(ctx context.Context, inv *tenantry.Invitation) error
	IDFn                 func() string
	InvitationsFn        func(ctx context.Context, p tenantry.Page) ([]*tenantry.Invitation, string, error)
	InvitationFn         func(ctx context.Context, id string) (*tenantry.Invitation, error)
	MemberFn             func(ctx context.Context, userID string) (*tenantry.Member, error)
	MembersFn            func(ctx context.Context, p tenantry.Page) ([]*tenantry.Member, string, error)
	RecentChatMessagesFn func(ctx context.Context, sessionID string, n int) ([]*tenantry.ChatMessage, error)
	RemoveMemberFn       func(ctx context.Context, userID string) error
	RevokeAPIKeyFn       func(ctx context.Context, id string) error
	RevokeInvitationFn   func(ctx context.Context, id string) error
	TenantFn             func(ctx context.Context) (*tenantry.Tenant, error)
	UpdateMemberFn       func(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error)
	UpdateSettingsFn     func(ctx context.Context, patch tenantry.Settings) (*tenantry.Tenant, error)
	UsageFn              func(ctx context.Context) (tenantry.Usage, error)
	WriteFn              func(ctx context.Context, fn func(tenantry.Tx) error) error
	ReadFn               func(ctx context.Context, fn func(tenantry.Tx) error) error
}

// APIKey calls APIKeyFn.
func (m *TenantStore) APIKey(ctx context.Context, id string) (*tenantry.APIKey, error) {
	if m.APIKeyFn == nil {
		panic("mock: TenantStore.APIKey called but APIKeyFn is nil")
	}
	return m.APIKeyFn(ctx, id)
}

// APIKeyByHash calls APIKeyByHashFn.
func (m *TenantStore) APIKeyByHash(ctx context.Context, hash string) (*tenantry.APIKey, error) {
	if m.APIKeyByHashFn == nil {
		panic("mock: TenantStore.APIKeyByHash called but APIKeyByHashFn is nil")
	}
	return m.APIKeyByHashFn(ctx, hash)
}

// APIKeys calls APIKeysFn.
func (m *TenantStore) APIKeys(ctx context.Context, p tenantry.Page) ([]*tenantry.APIKey, string, error) {
	if m.APIKeysFn == nil {
		panic("mock: TenantStore.APIKeys called but APIKeysFn is nil")
	}
	return m.APIKeysFn(ctx, p)
}

// AcceptInvitation calls AcceptInvitationFn.
func (m *TenantStore) AcceptInvitation(ctx context.Context, tokenHash string, userID string) (*tenantry.Member, error) {
	if m.AcceptInvitationFn == nil {
		panic("mock: TenantStore.AcceptInvitation called but AcceptInvitationFn is nil")
	}
	return m.AcceptInvitationFn(ctx, tokenHash, userID)
}

// AddMember calls AddMemberFn.
func (m *TenantStore) AddMember(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error) {
	if m.AddMemberFn == nil {
		panic("mock: TenantStore.AddMember called but AddMemberFn is nil")
	}
	return m.AddMemberFn(ctx, userID, role)
}

// AddUsage calls AddUsageFn.
func (m *TenantStore) AddUsage(ctx context.Context, counter string, n int64) error {
	if m.AddUsageFn == nil {
		panic("mock: TenantStore.AddUsage called but AddUsageFn is nil")
	}
	return m.AddUsageFn(ctx, counter, n)
}

// AppendChatMessages calls AppendChatMessagesFn.
func (m *TenantStore) AppendChatMessages(ctx context.Context, sessionID string, msgs ...*tenantry.ChatMessage) error {
	if m.AppendChatMessagesFn == nil {
		panic("mock: TenantStore.AppendChatMessages called but AppendChatMessagesFn is nil")
	}
	return m.AppendChatMessagesFn(ctx, sessionID, msgs...)
}

// AuditEvents calls AuditEventsFn.
func (m *TenantStore) AuditEvents(ctx context.Context, f tenantry.AuditFilter) ([]*tenantry.AuditEvent, string, error) {
	if m.AuditEventsFn == nil {
		panic("mock: TenantStore.AuditEvents called but AuditEventsFn is nil")
	}
	return m.AuditEventsFn(ctx, f)
}

// Events calls EventsFn.
func (m *TenantStore) Events(ctx context.Context, after int64, limit int) ([]*tenantry.Event, error) {
	if m.EventsFn == nil {
		panic("mock: TenantStore.Events called but EventsFn is nil")
	}
	return m.EventsFn(ctx, after, limit)
}

// LatestEventSeq calls LatestEventSeqFn.
func (m *TenantStore) LatestEventSeq(ctx context.Context) (int64, error) {
	if m.LatestEventSeqFn == nil {
		panic("mock: TenantStore.LatestEventSeq called but LatestEventSeqFn is nil")
	}
	return m.LatestEventSeqFn(ctx)
}

// ChatMessages calls ChatMessagesFn.
func (m *TenantStore) ChatMessages(ctx context.Context, sessionID string, p tenantry.Page) ([]*tenantry.ChatMessage, string, error) {
	if m.ChatMessagesFn == nil {
		panic("mock: TenantStore.ChatMessages called but ChatMessagesFn is nil")
	}
	return m.ChatMessagesFn(ctx, sessionID, p)
}

// ChatSession calls ChatSessionFn.
func (m *TenantStore) ChatSession(ctx context.Context, id string) (*tenantry.ChatSession, error) {
	if m.ChatSessionFn == nil {
		panic("mock: TenantStore.ChatSession called but ChatSessionFn is nil")
	}
	return m.ChatSessionFn(ctx, id)
}

// CreateAPIKey calls CreateAPIKeyFn.
func (m *TenantStore) CreateAPIKey(ctx context.Context, key *tenantry.APIKey) error {
	if m.CreateAPIKeyFn == nil {
		panic("mock: TenantStore.CreateAPIKey called but CreateAPIKeyFn is nil")
	}
	return m.CreateAPIKeyFn(ctx, key)
}

// CreateChatSession calls CreateChatSessionFn.
func (m *TenantStore) CreateChatSession(ctx context.Context, s *tenantry.ChatSession) error {
	if m.CreateChatSessionFn == nil {
		panic("mock: TenantStore.CreateChatSession called but CreateChatSessionFn is nil")
	}
	return m.CreateChatSessionFn(ctx, s)
}

// CreateInvitation calls CreateInvitationFn.
func (m *TenantStore) CreateInvitation(ctx context.Context, inv *tenantry.Invitation) error {
	if m.CreateInvitationFn == nil {
		panic("mock: TenantStore.CreateInvitation called but CreateInvitationFn is nil")
	}
	return m.CreateInvitationFn(ctx, inv)
}

// ID calls IDFn.
func (m *TenantStore) ID() string {
	if m.IDFn == nil {
		panic("mock: TenantStore.ID called but IDFn is nil")
	}
	return m.IDFn()
}

// Invitation calls InvitationFn.
func (m *TenantStore) Invitation(ctx context.Context, id string) (*tenantry.Invitation, error) {
	if m.InvitationFn == nil {
		panic("mock: TenantStore.Invitation called but InvitationFn is nil")
	}
	return m.InvitationFn(ctx, id)
}

// Invitations calls InvitationsFn.
func (m *TenantStore) Invitations(ctx context.Context, p tenantry.Page) ([]*tenantry.Invitation, string, error) {
	if m.InvitationsFn == nil {
		panic("mock: TenantStore.Invitations called but InvitationsFn is nil")
	}
	return m.InvitationsFn(ctx, p)
}

// Member calls MemberFn.
func (m *TenantStore) Member(ctx context.Context, userID string) (*tenantry.Member, error) {
	if m.MemberFn == nil {
		panic("mock: TenantStore.Member called but MemberFn is nil")
	}
	return m.MemberFn(ctx, userID)
}

// Members calls MembersFn.
func (m *TenantStore) Members(ctx context.Context, p tenantry.Page) ([]*tenantry.Member, string, error) {
	if m.MembersFn == nil {
		panic("mock: TenantStore.Members called but MembersFn is nil")
	}
	return m.MembersFn(ctx, p)
}

// RecentChatMessages calls RecentChatMessagesFn.
func (m *TenantStore) RecentChatMessages(ctx context.Context, sessionID string, n int) ([]*tenantry.ChatMessage, error) {
	if m.RecentChatMessagesFn == nil {
		panic("mock: TenantStore.RecentChatMessages called but RecentChatMessagesFn is nil")
	}
	return m.RecentChatMessagesFn(ctx, sessionID, n)
}

// RemoveMember calls RemoveMemberFn.
func (m *TenantStore) RemoveMember(ctx context.Context, userID string) error {
	if m.RemoveMemberFn == nil {
		panic("mock: TenantStore.RemoveMember called but RemoveMemberFn is nil")
	}
	return m.RemoveMemberFn(ctx, userID)
}

// RevokeAPIKey calls RevokeAPIKeyFn.
func (m *TenantStore) RevokeAPIKey(ctx context.Context, id string) error {
	if m.RevokeAPIKeyFn == nil {
		panic("mock: TenantStore.RevokeAPIKey called but RevokeAPIKeyFn is nil")
	}
	return m.RevokeAPIKeyFn(ctx, id)
}

// RevokeInvitation calls RevokeInvitationFn.
func (m *TenantStore) RevokeInvitation(ctx context.Context, id string) error {
	if m.RevokeInvitationFn == nil {
		panic("mock: TenantStore.RevokeInvitation called but RevokeInvitationFn is nil")
	}
	return m.RevokeInvitationFn(ctx, id)
}

// Tenant calls TenantFn.
func (m *TenantStore) Tenant(ctx context.Context) (*tenantry.Tenant, error) {
	if m.TenantFn == nil {
		panic("mock: TenantStore.Tenant called but TenantFn is nil")
	}
	return m.TenantFn(ctx)
}

// UpdateMember calls UpdateMemberFn.
func (m *TenantStore) UpdateMember(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error) {
	if m.UpdateMemberFn == nil {
		panic("mock: TenantStore.UpdateMember called but UpdateMemberFn is nil")
	}
	return m.UpdateMemberFn(ctx, userID, role)
}

// UpdateSettings calls UpdateSettingsFn.
func (m *TenantStore) UpdateSettings(ctx context.Context, patch tenantry.Settings) (*tenantry.Tenant, error) {
	if m.UpdateSettingsFn == nil {
		panic("mock: TenantStore.UpdateSettings called but UpdateSettingsFn is nil")
	}
	return m.UpdateSettingsFn(ctx, patch)
}

// Usage calls UsageFn.
func (m *TenantStore) Usage(ctx context.Context) (tenantry.Usage, error) {
	if m.UsageFn == nil {
		panic("mock: TenantStore.Usage called but UsageFn is nil")
	}
	return m.UsageFn(ctx)
}

// Write calls WriteFn.
func (m *TenantStore) Write(ctx context.Context, fn func(tenantry.Tx) error) error {
	if m.WriteFn == nil {
		panic("mock: TenantStore.Write called but WriteFn is nil")
	}
	return m.WriteFn(ctx, fn)
}

// Read calls ReadFn.
func (m *TenantStore) Read(ctx context.Context, fn func(tenantry.Tx) error) error {
	if m.ReadFn == nil {
		panic("mock: TenantStore.Read called but ReadFn is nil")
	}
	return m.ReadFn(ctx, fn)
}
