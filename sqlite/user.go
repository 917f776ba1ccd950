package sqlite

import (
	"context"
	"fmt"

	"github.com/tenantry/tenantry"
)

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
