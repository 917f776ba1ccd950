package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

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
