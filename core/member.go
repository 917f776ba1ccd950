package core

import (
	"context"
	"time"

	"github.com/tenantry/tenantry"
)

// memberSelect selects a member with its user: the row id, then the
// columns scanMember reads.
const memberSelect = `SELECT m.id, m.user_id, u.email, u.name, m.role, m.created_at
	FROM members m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1`

// scanMember scans one row of memberSelect and returns it with its row id.
func scanMember(row scanner, tenantID string) (*tenantry.Member, string, error) {
	m := &tenantry.Member{TenantID: tenantID}
	var rowID, role string
	if err := row.Scan(&rowID, &m.UserID, &m.Email, &m.Name, &role, &m.CreatedAt); err != nil {
		return nil, "", err
	}
	m.Role = tenantry.Role(role)
	return m, rowID, nil
}

// errMemberNotFound is the not_found error of a member.
func errMemberNotFound() error { return tenantry.Errorf(tenantry.ENOTFOUND, "Member not found.") }

// member reads the member userID of tx's tenant (not_found).
func member(ctx context.Context, tx tenantry.Tx, userID string) (*tenantry.Member, error) {
	uid, ok := tenantry.ParseID(userID)
	if !ok {
		return nil, errMemberNotFound()
	}
	m, _, err := scanMember(tx.QueryRow(ctx, memberSelect+` AND m.user_id = $2`, tx.TenantID(), uid), tx.TenantID())
	if tenantry.IsCode(err, tenantry.ENOTFOUND) {
		return nil, errMemberNotFound()
	}
	return m, err
}

// Member returns the membership of userID (not_found).
func (s Rules) Member(ctx context.Context, userID string) (*tenantry.Member, error) {
	var m *tenantry.Member
	err := s.ts.Read(ctx, func(tx tenantry.Tx) error {
		var err error
		m, err = member(ctx, tx, userID)
		return err
	})
	return m, err
}

// Members lists members in join order.
func (s Rules) Members(ctx context.Context, p tenantry.Page) ([]*tenantry.Member, string, error) {
	limit, after, err := start(p)
	if err != nil {
		return nil, "", err
	}
	return list(ctx, s.ts, limit, memberSelect+` AND m.id > $2 ORDER BY m.id LIMIT $3`, []any{s.ts.ID(), after, limit + 1},
		scanMember)
}

// validRole returns validation_failed unless r is a role.
func validRole(r tenantry.Role) error {
	if !r.Valid() {
		return tenantry.Invalid(map[string]string{"role": "must be owner, admin or member"})
	}
	return nil
}

// AddMember adds an existing user (not_found for no such user, conflict
// when already a member, plan_limit over max_members, validation_failed
// for a bad role). The tenant's row is locked, so the count holds until
// commit.
func (s Rules) AddMember(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error) {
	if err := validRole(role); err != nil {
		return nil, err
	}
	uid, ok := tenantry.ParseID(userID)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	}
	var m *tenantry.Member
	err := s.ts.Write(ctx, func(tx tenantry.Tx) error {
		var err error
		if m, err = addMember(ctx, tx, s.cfg, uid, role, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, "member.add", "member", uid, map[string]any{"role": role})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// addMember makes user uid a member of tx's tenant with role, under the
// plan's member limit (not_found for no such user, conflict when already
// a member, plan_limit); with email set, the user's e-mail must be it
// (forbidden: an invitation is for its address only). It audits nothing.
func addMember(ctx context.Context, tx tenantry.Tx, cfg *Config, uid string, role tenantry.Role, email string) (*tenantry.Member, error) {
	t, err := tx.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	m := &tenantry.Member{TenantID: t.ID, UserID: uid, Role: role, CreatedAt: tenantry.Now()}
	var already, count int64
	err = tx.QueryRow(ctx, `SELECT u.email, u.name,
		(SELECT count(*) FROM members WHERE tenant_id = $1 AND user_id = $2),
		(SELECT count(*) FROM members WHERE tenant_id = $1)
		FROM users u WHERE u.id = $2`, t.ID, uid).Scan(&m.Email, &m.Name, &already, &count)
	switch {
	case tenantry.IsCode(err, tenantry.ENOTFOUND):
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	case err != nil:
		return nil, err
	case email != "" && m.Email != email:
		return nil, tenantry.Errorf(tenantry.EFORBIDDEN, "This invitation is for another e-mail address.")
	case already > 0:
		return nil, tenantry.Errorf(tenantry.ECONFLICT, "This user is already a member.")
	}
	if err := withinMembers(cfg, t, count); err != nil {
		return nil, err
	}
	tx.Queue(ctx, `INSERT INTO members (tenant_id, user_id, id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, uid, tenantry.NewID(), string(role), m.CreatedAt)
	return m, nil
}

// withinMembers returns plan_limit when t, with count members, has no room
// for one more.
func withinMembers(cfg *Config, t *tenantry.Tenant, count int64) error {
	if limit := cfg.Plans.Limit(t, tenantry.LimitMaxMembers); !tenantry.Within(count, limit) {
		return tenantry.Errorf(tenantry.EPLANLIMIT, "The %s plan allows %d members.", t.Plan, limit)
	}
	return nil
}

// keepsOwner returns the last-owner error when m is the tenant's only
// owner, whom a change would take away.
func keepsOwner(ctx context.Context, tx tenantry.Tx, m *tenantry.Member) error {
	if m.Role != tenantry.RoleOwner {
		return nil
	}
	var others int64
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM members WHERE tenant_id = $1 AND role = 'owner' AND user_id <> $2`,
		tx.TenantID(), m.UserID).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return tenantry.ErrLastOwner()
	}
	return nil
}

// UpdateMember changes a member's role (not_found; validation_failed when
// it would leave the tenant without an owner).
func (s Rules) UpdateMember(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error) {
	if err := validRole(role); err != nil {
		return nil, err
	}
	var m *tenantry.Member
	err := s.ts.Write(ctx, func(tx tenantry.Tx) error {
		var err error
		if m, err = member(ctx, tx, userID); err != nil {
			return err
		}
		if role != tenantry.RoleOwner {
			if err := keepsOwner(ctx, tx, m); err != nil {
				return err
			}
		}
		from := m.Role
		tx.Queue(ctx, `UPDATE members SET role = $3 WHERE tenant_id = $1 AND user_id = $2`, tx.TenantID(), m.UserID, string(role))
		m.Role = role
		return tx.Audit(ctx, "member.update", "member", m.UserID, map[string]any{"from": from, "to": role})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// RemoveMember removes a member (not_found; validation_failed for the
// last owner): the extensions' MemberRemoved statements run first, and the
// user's default tenant is cleared when it was this one.
func (s Rules) RemoveMember(ctx context.Context, userID string) error {
	return s.ts.Write(ctx, func(tx tenantry.Tx) error {
		m, err := member(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := keepsOwner(ctx, tx, m); err != nil {
			return err
		}
		tid, now := tx.TenantID(), time.Now().UTC()
		for _, e := range s.cfg.Extensions {
			for _, q := range e.MemberRemoved {
				tx.Queue(ctx, q, tid, m.UserID, now)
			}
		}
		tx.Queue(ctx, `DELETE FROM members WHERE tenant_id = $1 AND user_id = $2`, tid, m.UserID)
		tx.Queue(ctx, `UPDATE users SET default_tenant_id = NULL WHERE id = $1 AND default_tenant_id = $2`, m.UserID, tid)
		return tx.Audit(ctx, "member.remove", "member", m.UserID, map[string]any{"role": m.Role})
	})
}
