package tenantry

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// User is a person who signs in. Users are global: one user may be a member
// of many tenants.
type User struct {
	ID              string    `json:"id"`
	Email           string    `json:"email"`
	Name            string    `json:"name"`
	PasswordHash    string    `json:"-"`
	PlatformAdmin   bool      `json:"platform_admin"`
	DefaultTenantID string    `json:"default_tenant_id"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// UserCreate is the input of UserStore.CreateUser. PasswordHash must already
// be an argon2id hash; Password is only validated, never stored.
type UserCreate struct {
	Email         string
	Name          string
	Password      string
	PasswordHash  string
	PlatformAdmin bool
}

// NormalizeEmail trims and lower-cases an e-mail address. Text that is not
// ValidText is returned as it is, so that ValidEmail still refuses it
// (lower-casing would turn invalid bytes into U+FFFD).
func NormalizeEmail(s string) string {
	if !ValidText(s) {
		return s
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// ValidEmail reports whether s is a plain addr-spec e-mail address.
func ValidEmail(s string) bool {
	if len(s) > 254 || !ValidText(s) || strings.ContainsAny(s, " <>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// Validate normalises and checks the user's e-mail, name and password.
func (uc *UserCreate) Validate() error {
	fields := map[string]string{}
	uc.Email = NormalizeEmail(uc.Email)
	uc.Name = strings.TrimSpace(uc.Name)
	switch {
	case !CheckText(fields, "email", uc.Email):
	case uc.Email == "":
		fields["email"] = "required"
	case !ValidEmail(uc.Email):
		fields["email"] = "must be an e-mail address"
	}
	switch {
	case !CheckText(fields, "name", uc.Name):
	case uc.Name == "":
		fields["name"] = "required"
	case len(uc.Name) > 200:
		fields["name"] = "too long"
	}
	if uc.Password == "" && uc.PasswordHash == "" {
		fields["password"] = "required"
	} else if uc.Password != "" && len([]rune(uc.Password)) < MinPasswordLength {
		fields["password"] = "must be at least 8 characters"
	} else if len(uc.Password) > 1024 {
		fields["password"] = "too long"
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// UserMembership is one of a user's memberships, with its tenant.
type UserMembership struct {
	Tenant *Tenant `json:"tenant"`
	Role   Role    `json:"role"`
}

// RefreshToken is a long-lived token that buys new access tokens. Only its
// hash is stored. Tokens of one sign-in share a FamilyID; reusing a rotated
// token revokes the whole family.
type RefreshToken struct {
	ID        string
	UserID    string
	FamilyID  string
	Hash      string
	ExpiresAt time.Time
	CreatedAt time.Time
	RevokedAt *time.Time
}

// UserStore is the storage of global users and their sign-in tokens.
type UserStore interface {
	// CreateUser creates a user (validation_failed, conflict on e-mail).
	CreateUser(ctx context.Context, uc UserCreate) (*User, error)
	// Signup creates a user and, when tc is not nil, a tenant on tc.Plan
	// owned by the user and made their default, in one transaction
	// (validation_failed, conflict on e-mail or slug).
	Signup(ctx context.Context, uc UserCreate, tc *TenantCreate) (*User, *Tenant, error)
	// User returns a user by id (not_found).
	User(ctx context.Context, id string) (*User, error)
	// UserByEmail returns a user by e-mail, with its password hash (not_found).
	UserByEmail(ctx context.Context, email string) (*User, error)
	// SetPassword replaces a user's password hash (not_found).
	SetPassword(ctx context.Context, userID, passwordHash string) error
	// SetPlatformAdmin grants or removes platform administration (not_found).
	SetPlatformAdmin(ctx context.Context, userID string, admin bool) error
	// HasPlatformAdmin reports whether any platform admin exists.
	HasPlatformAdmin(ctx context.Context) (bool, error)
	// UserMemberships lists the user's memberships across tenants.
	UserMemberships(ctx context.Context, userID string) ([]*UserMembership, error)
	// SetDefaultTenant makes tenantID the user's default (not_a_member).
	// It, SetPassword and SetPlatformAdmin write UserChanged.
	SetDefaultTenant(ctx context.Context, userID, tenantID string) error

	// CreateRefreshToken stores a new refresh token.
	CreateRefreshToken(ctx context.Context, rt *RefreshToken) error
	// RotateRefreshToken revokes the live token with oldHash and stores next
	// in its family, in one transaction. A token that is unknown, expired or
	// already revoked is unauthenticated; a revoked one also revokes its
	// whole family (reuse detection), commits that with its invalidation
	// (SessionRevoked: the family's access tokens stop in every process)
	// and is returned with the unauthenticated error. Otherwise it returns
	// the revoked token.
	RotateRefreshToken(ctx context.Context, oldHash string, next *RefreshToken) (*RefreshToken, error)
	// RevokeRefreshToken revokes the token with hash and its family, with
	// its invalidation (SessionRevoked), and returns the token (not_found
	// when unknown).
	RevokeRefreshToken(ctx context.Context, hash string) (*RefreshToken, error)
	// RefreshFamilyLive reports whether the refresh token family familyID
	// still has a token that is not revoked (false for an unknown family).
	RefreshFamilyLive(ctx context.Context, familyID string) (bool, error)
}
