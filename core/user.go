package core

import (
	"context"
	"errors"
	"maps"
	"strings"

	"github.com/tenantry/tenantry"
)

// Accounts are the rules of users, their refresh tokens and their password
// resets over a backend's global transactions, for both backends:
// tenantry.UserStore and tenantry.PasswordResetStore. A backend's DB
// embeds them; refresh tokens, resets and memberships have files of their
// own.
type Accounts struct {
	g   Globals
	cfg *Config
}

// NewAccounts returns the account rules over g, with cfg, the store's.
func NewAccounts(g Globals, cfg *Config) Accounts { return Accounts{g: g, cfg: cfg} }

// userColumns are the columns scanUser reads, in order; a user without a
// default tenant reads "".
const userColumns = `id, email, name, password_hash, platform_admin,
	coalesce(CAST(default_tenant_id AS text), ''), created_at, updated_at`

// errUserNotFound is the not_found error of a user.
func errUserNotFound() error { return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.") }

// userOf is id in canonical form; an id that is no id names no user
// (not_found).
func userOf(id string) (string, error) {
	uid, ok := tenantry.ParseID(id)
	if !ok {
		return "", errUserNotFound()
	}
	return uid, nil
}

// scanUser scans one row of userColumns (not_found).
func scanUser(row scanner) (*tenantry.User, error) {
	var u tenantry.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.PlatformAdmin, &u.DefaultTenantID, &u.CreatedAt, &u.UpdatedAt)
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, errUserNotFound()
	} else if err != nil {
		return nil, err
	}
	return &u, nil
}

// userByID reads the user id in tx (not_found).
func userByID(ctx context.Context, tx GlobalTx, id string) (*tenantry.User, error) {
	return scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// insertUser validates uc and inserts the user in tx (validation_failed,
// conflict on e-mail).
func insertUser(ctx context.Context, tx GlobalTx, uc tenantry.UserCreate) (*tenantry.User, error) {
	if err := uc.Validate(); err != nil {
		return nil, err
	}
	now := tenantry.Now()
	u := &tenantry.User{ID: tenantry.NewID(), Email: uc.Email, Name: uc.Name, PasswordHash: uc.PasswordHash,
		PlatformAdmin: uc.PlatformAdmin, CreatedAt: now, UpdatedAt: now}
	_, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, platform_admin, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.ID, u.Email, u.Name, u.PasswordHash, u.PlatformAdmin, now, now)
	if tenantry.IsCode(err, tenantry.ECONFLICT) {
		return nil, tenantry.Errorf(tenantry.ECONFLICT, "A user with this e-mail already exists.")
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// CreateUser creates a user (validation_failed, conflict on e-mail).
func (a Accounts) CreateUser(ctx context.Context, uc tenantry.UserCreate) (*tenantry.User, error) {
	return write(ctx, a.g, func(tx GlobalTx) (*tenantry.User, error) { return insertUser(ctx, tx, uc) })
}

// Signup creates a user and, when tc is not nil, a tenant owned by the user
// and made their default, in one transaction (validation_failed with every
// invalid field of both, conflict on e-mail or slug). The user is the
// actor of their tenant's creation.
func (a Accounts) Signup(ctx context.Context, uc tenantry.UserCreate, tc *tenantry.TenantCreate) (*tenantry.User, *tenantry.Tenant, error) {
	if tc != nil {
		fields := map[string]string{}
		var ue, te *tenantry.Error
		if err := uc.Validate(); errors.As(err, &ue) {
			maps.Copy(fields, ue.Fields)
		}
		if err := tc.Validate(a.cfg.Plans); errors.As(err, &te) {
			maps.Copy(fields, te.Fields)
		}
		if len(fields) > 0 {
			return nil, nil, tenantry.Invalid(fields)
		}
	}
	var t *tenantry.Tenant
	u, err := write(ctx, a.g, func(tx GlobalTx) (*tenantry.User, error) {
		u, err := insertUser(ctx, tx, uc)
		if err != nil || tc == nil {
			return u, err
		}
		c := *tc
		c.OwnerID = u.ID
		if t, err = createTenant(tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: u.ID}), tx, a.cfg, c); err != nil {
			return nil, err
		}
		u.DefaultTenantID = t.ID
		return u, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return u, t, nil
}

// User returns a user by id (not_found).
func (a Accounts) User(ctx context.Context, id string) (*tenantry.User, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, errUserNotFound()
	}
	return read(ctx, a.g, func(tx GlobalTx) (*tenantry.User, error) { return userByID(ctx, tx, id) })
}

// UserByEmail returns a user by e-mail, with its password hash (not_found).
func (a Accounts) UserByEmail(ctx context.Context, email string) (*tenantry.User, error) {
	email = tenantry.NormalizeEmail(email)
	return read(ctx, a.g, func(tx GlobalTx) (*tenantry.User, error) {
		return scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	})
}

// updateUser sets column of user userID to v, and updated_at (not_found);
// cached copies of the user are dropped in every process (UserChanged).
func (a Accounts) updateUser(ctx context.Context, userID, column string, v any) error {
	id, ok := tenantry.ParseID(userID)
	if !ok {
		return errUserNotFound()
	}
	return a.g.Write(ctx, func(tx GlobalTx) error {
		n, err := tx.Exec(ctx, `UPDATE users SET `+column+` = $2, updated_at = $3 WHERE id = $1`, id, v, tenantry.Now())
		if err != nil {
			return err
		}
		if n == 0 {
			return errUserNotFound()
		}
		tx.Invalidate(tenantry.UserChanged(id))
		return nil
	})
}

// SetPassword replaces a user's password hash (validation_failed for an
// empty one, not_found).
func (a Accounts) SetPassword(ctx context.Context, userID, passwordHash string) error {
	if strings.TrimSpace(passwordHash) == "" {
		return tenantry.Invalid(map[string]string{"password": "required"})
	}
	return a.updateUser(ctx, userID, "password_hash", passwordHash)
}

// SetPlatformAdmin grants or removes platform administration (not_found).
func (a Accounts) SetPlatformAdmin(ctx context.Context, userID string, admin bool) error {
	return a.updateUser(ctx, userID, "platform_admin", admin)
}

// HasPlatformAdmin reports whether any platform admin exists.
func (a Accounts) HasPlatformAdmin(ctx context.Context) (bool, error) {
	return read(ctx, a.g, func(tx GlobalTx) (bool, error) {
		var n int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM users WHERE platform_admin LIMIT 1) AS a`).Scan(&n)
		return n > 0, err
	})
}
