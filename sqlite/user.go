package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tenantry/tenantry"
)

// userColumns are the columns scanUser reads, in order.
const userColumns = `id, email, name, password_hash, platform_admin, default_tenant_id, created_at, updated_at`

// scanUser scans one user row.
func scanUser(row interface{ Scan(...any) error }) (*tenantry.User, error) {
	var u tenantry.User
	var def sql.NullString
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.PlatformAdmin, &def,
		timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt}); err != nil {
		return nil, err
	}
	u.DefaultTenantID = def.String
	return &u, nil
}

// userWhere returns the user matching cond (not_found).
func userWhere(ctx context.Context, q querier, cond string, arg any) (*tenantry.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	} else if err != nil {
		return nil, dbErr(fmt.Errorf("read user: %w", err))
	}
	return u, nil
}

// insertUser validates uc and inserts the user in tx.
func insertUser(ctx context.Context, tx *wtx, uc tenantry.UserCreate) (*tenantry.User, error) {
	if err := uc.Validate(); err != nil {
		return nil, err
	}
	now := tenantry.Now()
	u := &tenantry.User{ID: tx.newID(), Email: uc.Email, Name: uc.Name, PasswordHash: uc.PasswordHash,
		PlatformAdmin: uc.PlatformAdmin, CreatedAt: now, UpdatedAt: now}
	_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, platform_admin, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Email, u.Name, u.PasswordHash, u.PlatformAdmin, encTime(now), encTime(now))
	if isUnique(err, "email") {
		return nil, tenantry.Errorf(tenantry.ECONFLICT, "A user with this e-mail already exists.")
	} else if err != nil {
		return nil, fmt.Errorf("insert user: %w", err)
	}
	return u, nil
}

// CreateUser creates a user (validation_failed, conflict on e-mail).
func (db *DB) CreateUser(ctx context.Context, uc tenantry.UserCreate) (*tenantry.User, error) {
	var u *tenantry.User
	err := db.write(ctx, func(tx *wtx) error {
		var err error
		u, err = insertUser(ctx, tx, uc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Signup creates a user and, when tc is not nil, a tenant owned by the user
// and made their default, in one transaction (validation_failed, conflict on
// e-mail or slug).
func (db *DB) Signup(ctx context.Context, uc tenantry.UserCreate, tc *tenantry.TenantCreate) (*tenantry.User, *tenantry.Tenant, error) {
	if tc != nil {
		// Report every invalid field of both inputs at once.
		fields := map[string]string{}
		var ue, te *tenantry.Error
		if err := uc.Validate(); errors.As(err, &ue) {
			for k, v := range ue.Fields {
				fields[k] = v
			}
		}
		if err := tc.Validate(db.plans); errors.As(err, &te) {
			for k, v := range te.Fields {
				fields[k] = v
			}
		}
		if len(fields) > 0 {
			return nil, nil, tenantry.Invalid(fields)
		}
	}
	var u *tenantry.User
	var t *tenantry.Tenant
	err := db.write(ctx, func(tx *wtx) error {
		var err error
		if u, err = insertUser(ctx, tx, uc); err != nil {
			return err
		}
		if tc == nil {
			return nil
		}
		c := *tc
		c.OwnerID = u.ID
		// The new user is the actor of their own tenant's creation.
		ctx := tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: u.ID})
		if t, err = createTenant(ctx, tx, db.plans, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET default_tenant_id = ? WHERE id = ?`, t.ID, u.ID); err != nil {
			return fmt.Errorf("set default tenant: %w", err)
		}
		u.DefaultTenantID = t.ID
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return u, t, nil
}

// User returns a user by id (not_found).
func (db *DB) User(ctx context.Context, id string) (*tenantry.User, error) {
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	}
	return userWhere(ctx, db.reader(), `id = ?`, id)
}

// UserByEmail returns a user by e-mail, with its password hash (not_found).
func (db *DB) UserByEmail(ctx context.Context, email string) (*tenantry.User, error) {
	email = tenantry.NormalizeEmail(email)
	if email == "" {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	}
	return userWhere(ctx, db.reader(), `email = ?`, email)
}

// updateUser sets the columns of set (with args) and updated_at of user
// userID (not_found when there is none); cached copies are dropped.
func (db *DB) updateUser(ctx context.Context, userID, set string, args ...any) error {
	return db.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET `+set+`, updated_at = ? WHERE id = ?`,
			append(args, encTime(tenantry.Now()), userID)...)
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
		}
		tx.invalidate(tenantry.UserChanged(userID))
		return nil
	})
}

// SetPassword replaces a user's password hash (not_found).
func (db *DB) SetPassword(ctx context.Context, userID, passwordHash string) error {
	if strings.TrimSpace(passwordHash) == "" {
		return tenantry.Invalid(map[string]string{"password": "required"})
	}
	return db.updateUser(ctx, userID, `password_hash = ?`, passwordHash)
}

// SetPlatformAdmin grants or removes platform administration (not_found).
func (db *DB) SetPlatformAdmin(ctx context.Context, userID string, admin bool) error {
	return db.updateUser(ctx, userID, `platform_admin = ?`, admin)
}

// HasPlatformAdmin reports whether any platform admin exists.
func (db *DB) HasPlatformAdmin(ctx context.Context) (bool, error) {
	var n int
	err := db.reader().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM users WHERE platform_admin = 1 LIMIT 1)`).Scan(&n)
	if err != nil {
		return false, dbErr(fmt.Errorf("has platform admin: %w", err))
	}
	return n > 0, nil
}

// UserMemberships lists the user's memberships across tenants, in join
// order.
func (db *DB) UserMemberships(ctx context.Context, userID string) ([]*tenantry.UserMembership, error) {
	rows, err := db.reader().QueryContext(ctx, `SELECT m.role, t.id, t.name, t.slug, t.domain, t.plan, t.status, t.settings, t.limits, t.created_at, t.updated_at
		FROM members m JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = ? ORDER BY m.created_at, m.id`, userID)
	if err != nil {
		return nil, dbErr(fmt.Errorf("user memberships: %w", err))
	}
	defer rows.Close()
	out := []*tenantry.UserMembership{}
	for rows.Next() {
		var role tenantry.Role
		t, err := scanTenant(scanFunc(func(dest ...any) error { return rows.Scan(append([]any{&role}, dest...)...) }))
		if err != nil {
			return nil, fmt.Errorf("user memberships: %w", err)
		}
		out = append(out, &tenantry.UserMembership{Tenant: t, Role: role})
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(fmt.Errorf("user memberships: %w", err))
	}
	return out, nil
}

// scanFunc adapts a function to the Scan method of a row.
type scanFunc func(dest ...any) error

// Scan calls f.
func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// SetDefaultTenant makes tenantID the user's default (not_a_member).
func (db *DB) SetDefaultTenant(ctx context.Context, userID, tenantID string) error {
	return db.write(ctx, func(tx *wtx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM members WHERE tenant_id = ? AND user_id = ?`,
			tenantID, userID).Scan(&n); err != nil {
			return fmt.Errorf("read membership: %w", err)
		}
		if n == 0 {
			return tenantry.Errorf(tenantry.ENOTAMEMBER, "You are not a member of this tenant.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET default_tenant_id = ?, updated_at = ? WHERE id = ?`,
			tenantID, encTime(tenantry.Now()), userID); err != nil {
			return fmt.Errorf("set default tenant: %w", err)
		}
		tx.invalidate(tenantry.UserChanged(userID))
		return nil
	})
}

// CreateRefreshToken stores a new refresh token; ID, FamilyID and
// CreatedAt are filled in when empty.
func (db *DB) CreateRefreshToken(ctx context.Context, rt *tenantry.RefreshToken) error {
	return db.write(ctx, func(tx *wtx) error { return insertRefreshToken(ctx, tx, rt) })
}

func insertRefreshToken(ctx context.Context, tx *wtx, rt *tenantry.RefreshToken) error {
	if rt.ID == "" {
		rt.ID = tx.newID()
	}
	if rt.FamilyID == "" {
		rt.FamilyID = tx.newID()
	}
	if rt.CreatedAt.IsZero() {
		rt.CreatedAt = tenantry.Now()
	}
	if rt.Hash == "" || rt.UserID == "" || rt.ExpiresAt.IsZero() {
		return tenantry.Invalid(map[string]string{"refresh_token": "hash, user and expiry are required"})
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO refresh_tokens (id, user_id, family_id, hash, expires_at, created_at, revoked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, rt.ID, rt.UserID, rt.FamilyID, rt.Hash, encTime(rt.ExpiresAt), encTime(rt.CreatedAt),
		encNullTime(rt.RevokedAt))
	switch {
	case isUnique(err, ""):
		return tenantry.Errorf(tenantry.ECONFLICT, "This refresh token already exists.")
	case isForeignKey(err):
		return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	case err != nil:
		return fmt.Errorf("insert refresh token: %w", err)
	}
	return nil
}

// refreshTokenByHash reads a refresh token (sql.ErrNoRows when unknown).
func refreshTokenByHash(ctx context.Context, q querier, hash string) (*tenantry.RefreshToken, error) {
	var rt tenantry.RefreshToken
	err := q.QueryRowContext(ctx, `SELECT id, user_id, family_id, hash, expires_at, created_at, revoked_at
		FROM refresh_tokens WHERE hash = ?`, hash).Scan(&rt.ID, &rt.UserID, &rt.FamilyID, &rt.Hash,
		timeScan{&rt.ExpiresAt}, timeScan{&rt.CreatedAt}, nullTimeScan{&rt.RevokedAt})
	if err != nil {
		return nil, err
	}
	return &rt, nil
}

// revokeFamily revokes every live token of rt's family, whose access
// tokens then stop (tenantry.SessionRevoked).
func revokeFamily(ctx context.Context, tx *wtx, rt *tenantry.RefreshToken) error {
	_, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL`,
		encTime(tenantry.Now()), rt.FamilyID)
	if err != nil {
		return fmt.Errorf("revoke refresh token family: %w", err)
	}
	tx.invalidate(tenantry.SessionRevoked(rt))
	return nil
}

// RotateRefreshToken revokes the live token with oldHash and stores next in
// its family, in one transaction. A token that is unknown, expired or
// already revoked is unauthenticated; a revoked one also revokes its whole
// family (reuse detection), and that revocation is committed.
func (db *DB) RotateRefreshToken(ctx context.Context, oldHash string, next *tenantry.RefreshToken) (*tenantry.RefreshToken, error) {
	unauth := tenantry.Errorf(tenantry.EUNAUTHENTICATED, "The refresh token is not valid.")
	var old *tenantry.RefreshToken
	var reused bool
	err := db.write(ctx, func(tx *wtx) error {
		var err error
		old, err = refreshTokenByHash(ctx, tx, oldHash)
		if errors.Is(err, sql.ErrNoRows) {
			return unauth
		} else if err != nil {
			return fmt.Errorf("read refresh token: %w", err)
		}
		if old.RevokedAt != nil {
			reused = true
			return revokeFamily(ctx, tx, old)
		}
		now := tenantry.Now()
		if !old.ExpiresAt.After(now) {
			return unauth
		}
		if _, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = ? WHERE id = ?`, encTime(now), old.ID); err != nil {
			return fmt.Errorf("revoke refresh token: %w", err)
		}
		old.RevokedAt = &now
		next.UserID = old.UserID
		next.FamilyID = old.FamilyID
		return insertRefreshToken(ctx, tx, next)
	})
	if err != nil {
		return nil, err
	}
	if reused {
		return old, unauth
	}
	return old, nil
}

// RevokeRefreshToken revokes the token with hash and its family and
// returns the token (not_found when unknown).
func (db *DB) RevokeRefreshToken(ctx context.Context, hash string) (*tenantry.RefreshToken, error) {
	var rt *tenantry.RefreshToken
	err := db.write(ctx, func(tx *wtx) error {
		var err error
		rt, err = refreshTokenByHash(ctx, tx, hash)
		if errors.Is(err, sql.ErrNoRows) {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Refresh token not found.")
		} else if err != nil {
			return fmt.Errorf("read refresh token: %w", err)
		}
		return revokeFamily(ctx, tx, rt)
	})
	if err != nil {
		return nil, err
	}
	return rt, nil
}

// RefreshFamilyLive reports whether the refresh token family familyID
// still has a token that is not revoked (false for an unknown family).
func (db *DB) RefreshFamilyLive(ctx context.Context, familyID string) (bool, error) {
	var n int
	err := db.reader().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM refresh_tokens
		WHERE family_id = ? AND revoked_at IS NULL LIMIT 1)`, familyID).Scan(&n)
	if err != nil {
		return false, dbErr(fmt.Errorf("refresh family: %w", err))
	}
	return n > 0, nil
}
