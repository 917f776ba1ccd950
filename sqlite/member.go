package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tenantry/tenantry"
)

// insertMember makes userID a member of tenantID with role in tx
// (not_found for no such user, conflict when already a member).
func insertMember(ctx context.Context, tx *wtx, tenantID, userID string, role tenantry.Role) (*tenantry.Member, error) {
	u, err := userWhere(ctx, tx, `id = ?`, userID)
	if err != nil {
		return nil, err
	}
	m := &tenantry.Member{TenantID: tenantID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: role, CreatedAt: tenantry.Now()}
	_, err = tx.ExecContext(ctx, `INSERT INTO members (tenant_id, user_id, id, role, created_at) VALUES (?, ?, ?, ?, ?)`,
		tenantID, u.ID, tx.newID(), string(role), encTime(m.CreatedAt))
	if isUnique(err, "") {
		return nil, tenantry.Errorf(tenantry.ECONFLICT, "This user is already a member.")
	} else if err != nil {
		return nil, fmt.Errorf("insert member: %w", err)
	}
	return m, nil
}

// memberSelect selects a member with its user, in scanMember's order.
const memberSelect = `SELECT m.id, m.tenant_id, m.user_id, u.email, u.name, m.role, m.created_at
	FROM members m JOIN users u ON u.id = m.user_id`

// scanMember scans one member row and returns it with its row id.
func scanMember(row interface{ Scan(...any) error }) (*tenantry.Member, string, error) {
	var m tenantry.Member
	var rowID string
	if err := row.Scan(&rowID, &m.TenantID, &m.UserID, &m.Email, &m.Name, &m.Role, timeScan{&m.CreatedAt}); err != nil {
		return nil, "", err
	}
	return &m, rowID, nil
}

// member reads the member userID of tenantID (not_found).
func member(ctx context.Context, q querier, tenantID, userID string) (*tenantry.Member, error) {
	m, _, err := scanMember(q.QueryRowContext(ctx, memberSelect+` WHERE m.tenant_id = ? AND m.user_id = ?`, tenantID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Member not found.")
	} else if err != nil {
		return nil, dbErr(fmt.Errorf("read member: %w", err))
	}
	return m, nil
}

// checkMemberQuota fails with plan_limit when t has max_members members.
func (h *TenantStore) checkMemberQuota(ctx context.Context, tx *wtx, t *tenantry.Tenant) error {
	limit := h.db.plans.Limit(t, tenantry.LimitMaxMembers)
	if limit == tenantry.Unlimited {
		return nil
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM members WHERE tenant_id = ?`, h.id).Scan(&n); err != nil {
		return fmt.Errorf("count members: %w", err)
	}
	if !tenantry.Within(n, limit) {
		return tenantry.Errorf(tenantry.EPLANLIMIT, "The %s plan allows %d members.", t.Plan, limit)
	}
	return nil
}

// Member returns the membership of userID (not_found).
func (h *TenantStore) Member(ctx context.Context, userID string) (*tenantry.Member, error) {
	q, err := h.reader()
	if err != nil {
		return nil, err
	}
	return member(ctx, q, h.id, userID)
}

// Members lists members in join order.
func (h *TenantStore) Members(ctx context.Context, p tenantry.Page) ([]*tenantry.Member, string, error) {
	q, err := h.reader()
	if err != nil {
		return nil, "", err
	}
	limit, after, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	rows, err := q.QueryContext(ctx, memberSelect+` WHERE m.tenant_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`, h.id, after, limit+1)
	if err != nil {
		return nil, "", dbErr(fmt.Errorf("list members: %w", err))
	}
	defer rows.Close()
	out := []*tenantry.Member{}
	var ids []string
	for rows.Next() {
		m, id, err := scanMember(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list members: %w", err)
		}
		out = append(out, m)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", dbErr(fmt.Errorf("list members: %w", err))
	}
	n, next := page(len(out), limit, func(i int) string { return ids[i] })
	return out[:n], next, nil
}

// validRole returns validation_failed unless r is a known role.
func validRole(r tenantry.Role) error {
	if !r.Valid() {
		return tenantry.Invalid(map[string]string{"role": "must be owner, admin or member"})
	}
	return nil
}

// AddMember adds an existing user (not_found for no such user, conflict
// when already a member, plan_limit over max_members, validation_failed for
// a bad role).
func (h *TenantStore) AddMember(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error) {
	if h.err != nil {
		return nil, h.err
	}
	if err := validRole(role); err != nil {
		return nil, err
	}
	var m *tenantry.Member
	err := h.write(ctx, func(tx *wtx, t *tenantry.Tenant) error {
		if _, err := member(ctx, tx, h.id, userID); err == nil {
			return tenantry.Errorf(tenantry.ECONFLICT, "This user is already a member.")
		}
		if err := h.checkMemberQuota(ctx, tx, t); err != nil {
			return err
		}
		var err error
		if m, err = insertMember(ctx, tx, h.id, userID, role); err != nil {
			return err
		}
		return h.audit(ctx, tx, "member.add", "member", m.UserID, map[string]any{"role": role})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// otherOwners counts the owners of the tenant other than userID.
func (h *TenantStore) otherOwners(ctx context.Context, tx *wtx, userID string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM members WHERE tenant_id = ? AND role = 'owner' AND user_id <> ?`,
		h.id, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count owners: %w", err)
	}
	return n, nil
}

// UpdateMember changes a member's role (not_found; validation_failed when
// it would leave the tenant without an owner).
func (h *TenantStore) UpdateMember(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error) {
	if h.err != nil {
		return nil, h.err
	}
	if err := validRole(role); err != nil {
		return nil, err
	}
	var m *tenantry.Member
	err := h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		var err error
		if m, err = member(ctx, tx, h.id, userID); err != nil {
			return err
		}
		if m.Role == tenantry.RoleOwner && role != tenantry.RoleOwner {
			n, err := h.otherOwners(ctx, tx, m.UserID)
			if err != nil {
				return err
			}
			if n == 0 {
				return tenantry.ErrLastOwner()
			}
		}
		from := m.Role
		if _, err := tx.ExecContext(ctx, `UPDATE members SET role = ? WHERE tenant_id = ? AND user_id = ?`,
			string(role), h.id, m.UserID); err != nil {
			return fmt.Errorf("update member: %w", err)
		}
		m.Role = role
		return h.audit(ctx, tx, "member.update", "member", m.UserID, map[string]any{"from": from, "to": role})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// RemoveMember removes a member, running the extensions' MemberRemoved
// statements first (not_found;
// validation_failed for the last owner).
func (h *TenantStore) RemoveMember(ctx context.Context, userID string) error {
	return h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		m, err := member(ctx, tx, h.id, userID)
		if err != nil {
			return err
		}
		if m.Role == tenantry.RoleOwner {
			n, err := h.otherOwners(ctx, tx, m.UserID)
			if err != nil {
				return err
			}
			if n == 0 {
				return tenantry.ErrLastOwner()
			}
		}
		now := encTime(tenantry.Now())
		for _, e := range h.db.exts {
			for _, q := range e.MemberRemoved {
				if _, err := tx.ExecContext(ctx, h.db.rewritten.numbered(q), h.id, m.UserID, now); err != nil {
					return fmt.Errorf("extension %s: member removed: %w", e.Name, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM members WHERE tenant_id = ? AND user_id = ?`, h.id, m.UserID); err != nil {
			return fmt.Errorf("remove member: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET default_tenant_id = NULL WHERE id = ? AND default_tenant_id = ?`,
			m.UserID, h.id); err != nil {
			return fmt.Errorf("clear default tenant: %w", err)
		}
		return h.audit(ctx, tx, "member.remove", "member", m.UserID, map[string]any{"role": m.Role})
	})
}
