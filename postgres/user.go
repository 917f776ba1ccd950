package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

const userColumns = `id, email, name, password_hash, platform_admin, coalesce(default_tenant_id::text, ''), created_at, updated_at`

func scanUser(row pgx.Row) (*tenantry.User, error) {
	var u tenantry.User
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.PlatformAdmin, &u.DefaultTenantID, &u.CreatedAt, &u.UpdatedAt); err != nil {
		if err == pgx.ErrNoRows {
			return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
		}
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

func emailConflict(err error) error {
	if tenantry.IsCode(mapErr(err), tenantry.ECONFLICT) {
		return tenantry.Errorf(tenantry.ECONFLICT, "A user with this e-mail already exists.")
	}
	return err
}

func insertUser(ctx context.Context, tx pgx.Tx, uc tenantry.UserCreate) (*tenantry.User, error) {
	now := tenantry.Now()
	u := &tenantry.User{ID: tenantry.NewID(), Email: uc.Email, Name: uc.Name, PasswordHash: uc.PasswordHash,
		PlatformAdmin: uc.PlatformAdmin, CreatedAt: now, UpdatedAt: now}
	_, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, platform_admin, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.ID, u.Email, u.Name, u.PasswordHash, u.PlatformAdmin, now, now)
	if err != nil {
		return nil, emailConflict(err)
	}
	return u, nil
}

// CreateUser creates a user (validation_failed, conflict on e-mail).
func (db *DB) CreateUser(ctx context.Context, uc tenantry.UserCreate) (*tenantry.User, error) {
	if err := uc.Validate(); err != nil {
		return nil, err
	}
	var u *tenantry.User
	err := db.globalTx(ctx, nil, func(tx *wtx) error {
		var err error
		u, err = insertUser(ctx, tx, uc)
		return err
	})
	return u, err
}

// Signup creates a user and, when tc is not nil, a tenant owned by the
// user and made their default, in one transaction.
func (db *DB) Signup(ctx context.Context, uc tenantry.UserCreate, tc *tenantry.TenantCreate) (*tenantry.User, *tenantry.Tenant, error) {
	fields := map[string]string{}
	if err := uc.Validate(); err != nil {
		for k, v := range err.(*tenantry.Error).Fields {
			fields[k] = v
		}
	}
	if tc != nil {
		if err := tc.Validate(db.plans); err != nil {
			for k, v := range err.(*tenantry.Error).Fields {
				fields[k] = v
			}
		}
	}
	if len(fields) > 0 {
		return nil, nil, tenantry.Invalid(fields)
	}
	var (
		u *tenantry.User
		t *tenantry.Tenant
	)
	err := db.globalTx(ctx, nil, func(tx *wtx) error {
		var err error
		if u, err = insertUser(ctx, tx, uc); err != nil {
			return err
		}
		if tc == nil {
			return nil
		}
		tc.OwnerID = u.ID
		// The new user is the actor of their own tenant's creation.
		ctx := tenantry.NewContextWithIdentity(ctx, tenantry.Identity{UserID: u.ID})
		if t, err = db.createTenant(ctx, tx, *tc); err != nil {
			return err
		}
		u.DefaultTenantID = t.ID
		_, err = tx.Exec(ctx, `UPDATE users SET default_tenant_id = $2 WHERE id = $1`, u.ID, t.ID)
		return err
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
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, cached, id))
	return u, mapErr(err)
}

// UserByEmail returns a user by e-mail, with its password hash (not_found).
func (db *DB) UserByEmail(ctx context.Context, email string) (*tenantry.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, cached, tenantry.NormalizeEmail(email)))
	return u, mapErr(err)
}

// updateUser sets column set of user userID to arg, and updated_at
// (not_found when there is no such user); cached copies are dropped.
func (db *DB) updateUser(ctx context.Context, userID, set string, arg any) error {
	id, ok := tenantry.ParseID(userID)
	if !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	}
	b := &pgx.Batch{}
	b.Queue(`UPDATE users SET `+set+` = $2, updated_at = $3 WHERE id = $1`, id, arg, tenantry.Now()).Exec(func(ct pgconnTag) error {
		if ct.RowsAffected() == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
		}
		return nil
	})
	return db.globalTx(ctx, b, func(tx *wtx) error {
		tx.invalidate(tenantry.UserChanged(id))
		return nil
	})
}

// SetPassword replaces a user's password hash (not_found).
func (db *DB) SetPassword(ctx context.Context, userID, passwordHash string) error {
	return db.updateUser(ctx, userID, "password_hash", passwordHash)
}

// SetPlatformAdmin grants or removes platform administration (not_found).
func (db *DB) SetPlatformAdmin(ctx context.Context, userID string, admin bool) error {
	return db.updateUser(ctx, userID, "platform_admin", admin)
}

// HasPlatformAdmin reports whether any platform admin exists.
func (db *DB) HasPlatformAdmin(ctx context.Context) (bool, error) {
	var ok bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE platform_admin)`).Scan(&ok)
	return ok, mapErr(err)
}

// UserMemberships lists the user's memberships across tenants. It is the
// one reader of the members_self_read policy: app.user_id is set in this
// transaction only.
func (db *DB) UserMemberships(ctx context.Context, userID string) ([]*tenantry.UserMembership, error) {
	id, ok := tenantry.ParseID(userID)
	if !ok {
		return []*tenantry.UserMembership{}, nil
	}
	out := []*tenantry.UserMembership{}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(setUserPrefix + id + "'")
	b.Queue(`SELECT m.role, `+tenantColumnsT+` FROM members m JOIN tenants t ON t.id = m.tenant_id
		WHERE m.user_id = $1 ORDER BY m.tenant_id`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var role string
			var t tenantRow
			if err := rows.Scan(append([]any{&role}, t.dest()...)...); err != nil {
				return err
			}
			tt, err := t.tenant()
			if err != nil {
				return err
			}
			out = append(out, &tenantry.UserMembership{Tenant: tt, Role: tenantry.Role(role)})
		}
		return rows.Err()
	})
	b.Queue("COMMIT")
	if err := db.rawBatch(ctx, b); err != nil {
		return nil, err
	}
	return out, nil
}

// SetDefaultTenant makes tenantID the user's default (not_a_member).
func (db *DB) SetDefaultTenant(ctx context.Context, userID, tenantID string) error {
	uid, ok1 := tenantry.ParseID(userID)
	tid, ok2 := tenantry.ParseID(tenantID)
	if !ok1 || !ok2 {
		return tenantry.Errorf(tenantry.ENOTAMEMBER, "You are not a member of this tenant.")
	}
	b := &pgx.Batch{}
	b.Queue(`UPDATE users SET default_tenant_id = $2, updated_at = $3 WHERE id = $1
		AND EXISTS (SELECT 1 FROM members WHERE tenant_id = $2 AND user_id = $1)`, uid, tid, tenantry.Now()).Exec(func(ct pgconnTag) error {
		if ct.RowsAffected() == 0 {
			return tenantry.Errorf(tenantry.ENOTAMEMBER, "You are not a member of this tenant.")
		}
		return nil
	})
	return db.tenantTx(ctx, tid, b, func(tx *wtx) error {
		tx.invalidate(tenantry.UserChanged(uid))
		return nil
	})
}

const refreshColumns = `id, user_id, family_id, hash, expires_at, created_at, revoked_at`

func scanRefresh(row pgx.Row) (*tenantry.RefreshToken, error) {
	var rt tenantry.RefreshToken
	if err := row.Scan(&rt.ID, &rt.UserID, &rt.FamilyID, &rt.Hash, &rt.ExpiresAt, &rt.CreatedAt, &rt.RevokedAt); err != nil {
		return nil, err
	}
	rt.ExpiresAt, rt.CreatedAt = rt.ExpiresAt.UTC(), rt.CreatedAt.UTC()
	if rt.RevokedAt != nil {
		r := rt.RevokedAt.UTC()
		rt.RevokedAt = &r
	}
	return &rt, nil
}

func fillRefresh(rt *tenantry.RefreshToken) {
	if rt.ID == "" {
		rt.ID = tenantry.NewID()
	}
	if rt.FamilyID == "" {
		rt.FamilyID = tenantry.NewID()
	}
	if rt.CreatedAt.IsZero() {
		rt.CreatedAt = tenantry.Now()
	}
}

func insertRefresh(ctx context.Context, tx pgx.Tx, rt *tenantry.RefreshToken) error {
	_, err := tx.Exec(ctx, `INSERT INTO refresh_tokens (id, user_id, family_id, hash, expires_at, created_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, rt.ID, rt.UserID, rt.FamilyID, rt.Hash, rt.ExpiresAt, rt.CreatedAt, rt.RevokedAt)
	return err
}

// CreateRefreshToken stores a new refresh token.
func (db *DB) CreateRefreshToken(ctx context.Context, rt *tenantry.RefreshToken) error {
	if _, ok := tenantry.ParseID(rt.UserID); !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	}
	fillRefresh(rt)
	return db.globalTx(ctx, nil, func(tx *wtx) error { return insertRefresh(ctx, tx, rt) })
}

// RotateRefreshToken revokes the live token with oldHash and stores next in
// its family. Reusing a revoked token revokes the whole family.
func (db *DB) RotateRefreshToken(ctx context.Context, oldHash string, next *tenantry.RefreshToken) (*tenantry.RefreshToken, error) {
	unauth := tenantry.Errorf(tenantry.EUNAUTHENTICATED, "The refresh token is not valid.")
	var (
		old    *tenantry.RefreshToken
		reused bool
	)
	b := &pgx.Batch{}
	b.Queue(`SELECT `+refreshColumns+` FROM refresh_tokens WHERE hash = $1 FOR UPDATE`, oldHash).QueryRow(func(row pgx.Row) error {
		var err error
		old, err = scanRefresh(row)
		if err == pgx.ErrNoRows {
			return unauth
		}
		return err
	})
	now := tenantry.Now()
	err := db.globalTx(ctx, b, func(tx *wtx) error {
		if old.RevokedAt != nil {
			reused = true
			_, err := tx.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`, old.FamilyID, now)
			tx.invalidate(tenantry.SessionRevoked(old))
			return err // commit the family's revocation
		}
		if !old.ExpiresAt.After(time.Now()) {
			return unauth
		}
		if _, err := tx.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1`, old.ID, now); err != nil {
			return err
		}
		old.RevokedAt = &now
		next.FamilyID = old.FamilyID
		if next.UserID == "" {
			next.UserID = old.UserID
		}
		fillRefresh(next)
		return insertRefresh(ctx, tx, next)
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
// returns the token (not_found).
func (db *DB) RevokeRefreshToken(ctx context.Context, hash string) (*tenantry.RefreshToken, error) {
	var rt *tenantry.RefreshToken
	b := &pgx.Batch{}
	b.Queue(`WITH t AS (SELECT family_id FROM refresh_tokens WHERE hash = $1),
		revoked AS (UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE family_id = (SELECT family_id FROM t))
		SELECT `+refreshColumns+` FROM refresh_tokens WHERE hash = $1`, hash, tenantry.Now()).QueryRow(func(row pgx.Row) error {
		var err error
		rt, err = scanRefresh(row)
		if err == pgx.ErrNoRows {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Refresh token not found.")
		}
		return err
	})
	err := db.globalTx(ctx, b, func(tx *wtx) error {
		tx.invalidate(tenantry.SessionRevoked(rt))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rt, nil
}

// RefreshFamilyLive reports whether the refresh token family familyID
// still has a token that is not revoked (false for an unknown family).
func (db *DB) RefreshFamilyLive(ctx context.Context, familyID string) (bool, error) {
	id, ok := tenantry.ParseID(familyID)
	if !ok {
		return false, nil
	}
	var live bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL)`, cached, id).Scan(&live)
	if err != nil {
		return false, mapErr(err)
	}
	return live, nil
}
