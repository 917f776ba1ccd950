package tenantry_test

import (
	"testing"

	"github.com/tenantry/tenantry"
)

func TestUserCreateValidate(t *testing.T) {
	tests := []struct {
		name      string
		in        tenantry.UserCreate
		wantField string
	}{
		{"ok", tenantry.UserCreate{Email: " Alice@Example.COM ", Name: "Alice", Password: "12345678"}, ""},
		{"short password", tenantry.UserCreate{Email: "a@example.com", Name: "A", Password: "1234567"}, "password"},
		{"no password", tenantry.UserCreate{Email: "a@example.com", Name: "A"}, "password"},
		{"hash only", tenantry.UserCreate{Email: "a@example.com", Name: "A", PasswordHash: "$argon2id$..."}, ""},
		{"bad email", tenantry.UserCreate{Email: "alice", Name: "A", Password: "12345678"}, "email"},
		{"display name email", tenantry.UserCreate{Email: "Alice <a@example.com>", Name: "A", Password: "12345678"}, "email"},
		{"no name", tenantry.UserCreate{Email: "a@example.com", Password: "12345678"}, "name"},
	}
	for _, tt := range tests {
		uc := tt.in
		err := uc.Validate()
		if tt.wantField == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
			}
			continue
		}
		e, ok := err.(*tenantry.Error)
		if !ok || e.Fields[tt.wantField] == "" {
			t.Errorf("%s: Validate() = %v, want a %s field error", tt.name, err, tt.wantField)
		}
	}
	uc := tenantry.UserCreate{Email: " Alice@Example.COM ", Name: "Alice", Password: "12345678"}
	_ = uc.Validate()
	if got, want := uc.Email, "alice@example.com"; got != want {
		t.Errorf("normalised e-mail = %q, want %q", got, want)
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		role      tenantry.Role
		manage    bool
		grantOwn  bool
		grantAdm  bool
		validRole bool
	}{
		{tenantry.RoleOwner, true, true, true, true},
		{tenantry.RoleAdmin, true, false, true, true},
		{tenantry.RoleMember, false, false, false, true},
		{"root", false, false, false, false},
	}
	for _, tt := range tests {
		if got := tt.role.CanManage(); got != tt.manage {
			t.Errorf("%s.CanManage() = %v, want %v", tt.role, got, tt.manage)
		}
		if got := tt.role.CanGrant(tenantry.RoleOwner); got != tt.grantOwn {
			t.Errorf("%s.CanGrant(owner) = %v, want %v", tt.role, got, tt.grantOwn)
		}
		if got := tt.role.CanGrant(tenantry.RoleAdmin); got != tt.grantAdm {
			t.Errorf("%s.CanGrant(admin) = %v, want %v", tt.role, got, tt.grantAdm)
		}
		if got := tt.role.Valid(); got != tt.validRole {
			t.Errorf("%s.Valid() = %v, want %v", tt.role, got, tt.validRole)
		}
	}
}
