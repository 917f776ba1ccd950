package mock

import (
	"context"

	"github.com/tenantry/tenantry"
)

// CreatePasswordReset calls CreatePasswordResetFn.
func (m *Store) CreatePasswordReset(ctx context.Context, pr *tenantry.PasswordReset) error {
	if m.CreatePasswordResetFn == nil {
		panic("mock: Store.CreatePasswordReset called but CreatePasswordResetFn is nil")
	}
	return m.CreatePasswordResetFn(ctx, pr)
}

// ResetPassword calls ResetPasswordFn.
func (m *Store) ResetPassword(ctx context.Context, tokenHash, passwordHash string) (*tenantry.User, error) {
	if m.ResetPasswordFn == nil {
		panic("mock: Store.ResetPassword called but ResetPasswordFn is nil")
	}
	return m.ResetPasswordFn(ctx, tokenHash, passwordHash)
}
