package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

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
