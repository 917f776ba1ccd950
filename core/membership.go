package core

import (
	"context"

	"github.com/tenantry/tenantry"
)

// UserMemberships lists the user's memberships across tenants, in join
// order, in a read that may see the user's own member rows of every
// tenant (on PostgreSQL, app.user_id and the members_self_read policy).
func (a Accounts) UserMemberships(ctx context.Context, userID string) ([]*tenantry.UserMembership, error) {
	out := []*tenantry.UserMembership{}
	id, ok := tenantry.ParseID(userID)
	if !ok {
		return out, nil
	}
	err := a.g.User(ctx, id, func(tx GlobalTx) error {
		rows, err := tx.Query(ctx, `SELECT m.role, `+TenantColumns+` FROM members m JOIN tenants t ON t.id = m.tenant_id
			WHERE m.user_id = $1 ORDER BY m.created_at, m.id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var role string
			t, err := ScanTenant(rows, &role)
			if err != nil {
				return err
			}
			out = append(out, &tenantry.UserMembership{Tenant: t, Role: tenantry.Role(role)})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetDefaultTenant makes tenantID the user's default, in a write of that
// tenant, whose members it reads (not_a_member, also for a tenant that
// does not exist).
func (a Accounts) SetDefaultTenant(ctx context.Context, userID, tenantID string) error {
	notMember := tenantry.Errorf(tenantry.ENOTAMEMBER, "You are not a member of this tenant.")
	uid, ok := tenantry.ParseID(userID)
	tid, ok2 := tenantry.ParseID(tenantID)
	if !ok || !ok2 {
		return notMember
	}
	err := a.g.Tenant(ctx, tid, func(tx PlatformTx) error {
		n, err := tx.Exec(ctx, `UPDATE users SET default_tenant_id = $2, updated_at = $3 WHERE id = $1
			AND EXISTS (SELECT 1 FROM members WHERE tenant_id = $2 AND user_id = $1)`, uid, tid, tenantry.Now())
		if err != nil {
			return err
		}
		if n == 0 {
			return notMember
		}
		tx.Invalidate(tenantry.UserChanged(uid))
		return nil
	})
	if tenantry.IsCode(err, tenantry.ETENANTNOTFOUND) {
		return notMember
	}
	return err
}
