package mock

import (
	"context"

	"github.com/tenantry/tenantry"
)

var _ tenantry.Store = (*Store)(nil)

// Store is a fake tenantry.Store whose methods call the matching function
// field; calling a method whose field is nil panics.
type Store struct {
	CloseFn              func() error
	CreateRefreshTokenFn func(ctx context.Context, rt *tenantry.RefreshToken) error
	CreateUserFn         func(ctx context.Context, uc tenantry.UserCreate) (*tenantry.User, error)
	HasPlatformAdminFn   func(ctx context.Context) (bool, error)
	PingFn               func(ctx context.Context) error
	OnInvalidationFn     func(fn func(tenantry.Invalidation)) (stop func())
	PlatformFn           func() tenantry.Platform
	RevokeRefreshTokenFn func(ctx context.Context, hash string) (*tenantry.RefreshToken, error)
	RefreshFamilyLiveFn  func(ctx context.Context, familyID string) (bool, error)
	RotateRefreshTokenFn func(ctx context.Context, oldHash string, next *tenantry.RefreshToken) (*tenantry.RefreshToken, error)
	SetDefaultTenantFn   func(ctx context.Context, userID string, tenantID string) error
	SetPasswordFn        func(ctx context.Context, userID string, passwordHash string) error
	SetPlatformAdminFn   func(ctx context.Context, userID string, admin bool) error
	SignupFn             func(ctx context.Context, uc tenantry.UserCreate, tc *tenantry.TenantCreate) (*tenantry.User, *tenantry.Tenant, error)
	TenantFn             func(tenantID string) tenantry.TenantStore
	TenantByDomainFn     func(ctx context.Context, domain string) (*tenantry.Tenant, error)
	TenantByIDFn         func(ctx context.Context, id string) (*tenantry.Tenant, error)
	TenantBySlugFn       func(ctx context.Context, slug string) (*tenantry.Tenant, error)
	UserFn               func(ctx context.Context, id string) (*tenantry.User, error)
	UserByEmailFn        func(ctx context.Context, email string) (*tenantry.User, error)
	UserMembershipsFn    func(ctx context.Context, userID string) ([]*tenantry.UserMembership, error)

	CreatePasswordResetFn func(ctx context.Context, pr *tenantry.PasswordReset) error
	ResetPasswordFn       func(ctx context.Context, tokenHash, passwordHash string) (*tenantry.User, error)
}

// Close calls CloseFn.
func (m *Store) Close() error {
	if m.CloseFn == nil {
		panic("mock: Store.Close called but CloseFn is nil")
	}
	return m.CloseFn()
}

// CreateRefreshToken calls CreateRefreshTokenFn.
func (m *Store) CreateRefreshToken(ctx context.Context, rt *tenantry.RefreshToken) error {
	if m.CreateRefreshTokenFn == nil {
		panic("mock: Store.CreateRefreshToken called but CreateRefreshTokenFn is nil")
	}
	return m.CreateRefreshTokenFn(ctx, rt)
}

// CreateUser calls CreateUserFn.
func (m *Store) CreateUser(ctx context.Context, uc tenantry.UserCreate) (*tenantry.User, error) {
	if m.CreateUserFn == nil {
		panic("mock: Store.CreateUser called but CreateUserFn is nil")
	}
	return m.CreateUserFn(ctx, uc)
}

// HasPlatformAdmin calls HasPlatformAdminFn.
func (m *Store) HasPlatformAdmin(ctx context.Context) (bool, error) {
	if m.HasPlatformAdminFn == nil {
		panic("mock: Store.HasPlatformAdmin called but HasPlatformAdminFn is nil")
	}
	return m.HasPlatformAdminFn(ctx)
}

// Ping calls PingFn.
func (m *Store) Ping(ctx context.Context) error {
	if m.PingFn == nil {
		panic("mock: Store.Ping called but PingFn is nil")
	}
	return m.PingFn(ctx)
}

// OnInvalidation calls OnInvalidationFn; without one, it subscribes to
// nothing, as a store whose commits invalidate nothing.
func (m *Store) OnInvalidation(fn func(tenantry.Invalidation)) (stop func()) {
	if m.OnInvalidationFn == nil {
		return func() {}
	}
	return m.OnInvalidationFn(fn)
}

// Platform calls PlatformFn.
func (m *Store) Platform() tenantry.Platform {
	if m.PlatformFn == nil {
		panic("mock: Store.Platform called but PlatformFn is nil")
	}
	return m.PlatformFn()
}

// RevokeRefreshToken calls RevokeRefreshTokenFn.
func (m *Store) RevokeRefreshToken(ctx context.Context, hash string) (*tenantry.RefreshToken, error) {
	if m.RevokeRefreshTokenFn == nil {
		panic("mock: Store.RevokeRefreshToken called but RevokeRefreshTokenFn is nil")
	}
	return m.RevokeRefreshTokenFn(ctx, hash)
}

// RefreshFamilyLive calls RefreshFamilyLiveFn.
func (m *Store) RefreshFamilyLive(ctx context.Context, familyID string) (bool, error) {
	if m.RefreshFamilyLiveFn == nil {
		panic("mock: Store.RefreshFamilyLive called but RefreshFamilyLiveFn is nil")
	}
	return m.RefreshFamilyLiveFn(ctx, familyID)
}

// RotateRefreshToken calls RotateRefreshTokenFn.
func (m *Store) RotateRefreshToken(ctx context.Context, oldHash string, next *tenantry.RefreshToken) (*tenantry.RefreshToken, error) {
	if m.RotateRefreshTokenFn == nil {
		panic("mock: Store.RotateRefreshToken called but RotateRefreshTokenFn is nil")
	}
	return m.RotateRefreshTokenFn(ctx, oldHash, next)
}

// SetDefaultTenant calls SetDefaultTenantFn.
func (m *Store) SetDefaultTenant(ctx context.Context, userID string, tenantID string) error {
	if m.SetDefaultTenantFn == nil {
		panic("mock: Store.SetDefaultTenant called but SetDefaultTenantFn is nil")
	}
	return m.SetDefaultTenantFn(ctx, userID, tenantID)
}

// SetPassword calls SetPasswordFn.
func (m *Store) SetPassword(ctx context.Context, userID string, passwordHash string) error {
	if m.SetPasswordFn == nil {
		panic("mock: Store.SetPassword called but SetPasswordFn is nil")
	}
	return m.SetPasswordFn(ctx, userID, passwordHash)
}

// SetPlatformAdmin calls SetPlatformAdminFn.
func (m *Store) SetPlatformAdmin(ctx context.Context, userID string, admin bool) error {
	if m.SetPlatformAdminFn == nil {
		panic("mock: Store.SetPlatformAdmin called but SetPlatformAdminFn is nil")
	}
	return m.SetPlatformAdminFn(ctx, userID, admin)
}

// Signup calls SignupFn.
func (m *Store) Signup(ctx context.Context, uc tenantry.UserCreate, tc *tenantry.TenantCreate) (*tenantry.User, *tenantry.Tenant, error) {
	if m.SignupFn == nil {
		panic("mock: Store.Signup called but SignupFn is nil")
	}
	return m.SignupFn(ctx, uc, tc)
}

// Tenant calls TenantFn.
func (m *Store) Tenant(tenantID string) tenantry.TenantStore {
	if m.TenantFn == nil {
		panic("mock: Store.Tenant called but TenantFn is nil")
	}
	return m.TenantFn(tenantID)
}

// TenantByDomain calls TenantByDomainFn.
func (m *Store) TenantByDomain(ctx context.Context, domain string) (*tenantry.Tenant, error) {
	if m.TenantByDomainFn == nil {
		panic("mock: Store.TenantByDomain called but TenantByDomainFn is nil")
	}
	return m.TenantByDomainFn(ctx, domain)
}

// TenantByID calls TenantByIDFn.
func (m *Store) TenantByID(ctx context.Context, id string) (*tenantry.Tenant, error) {
	if m.TenantByIDFn == nil {
		panic("mock: Store.TenantByID called but TenantByIDFn is nil")
	}
	return m.TenantByIDFn(ctx, id)
}

// TenantBySlug calls TenantBySlugFn.
func (m *Store) TenantBySlug(ctx context.Context, slug string) (*tenantry.Tenant, error) {
	if m.TenantBySlugFn == nil {
		panic("mock: Store.TenantBySlug called but TenantBySlugFn is nil")
	}
	return m.TenantBySlugFn(ctx, slug)
}

// User calls UserFn.
func (m *Store) User(ctx context.Context, id string) (*tenantry.User, error) {
	if m.UserFn == nil {
		panic("mock: Store.User called but UserFn is nil")
	}
	return m.UserFn(ctx, id)
}

// UserByEmail calls UserByEmailFn.
func (m *Store) UserByEmail(ctx context.Context, email string) (*tenantry.User, error) {
	if m.UserByEmailFn == nil {
		panic("mock: Store.UserByEmail called but UserByEmailFn is nil")
	}
	return m.UserByEmailFn(ctx, email)
}

// UserMemberships calls UserMembershipsFn.
func (m *Store) UserMemberships(ctx context.Context, userID string) ([]*tenantry.UserMembership, error) {
	if m.UserMembershipsFn == nil {
		panic("mock: Store.UserMemberships called but UserMembershipsFn is nil")
	}
	return m.UserMembershipsFn(ctx, userID)
}
