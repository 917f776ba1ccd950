package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/core"
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
		if u, err = core.InsertUser(ctx, db.globalOn(tx, tx), uc); err != nil {
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
