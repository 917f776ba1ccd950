package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

const memberColumns = `m.id, m.tenant_id, m.user_id, u.email, u.name, m.role, m.created_at`

func scanMember(row pgx.Row) (string, *tenantry.Member, error) {
	var (
		rowID string
		m     tenantry.Member
		role  string
	)
	if err := row.Scan(&rowID, &m.TenantID, &m.UserID, &m.Email, &m.Name, &role, &m.CreatedAt); err != nil {
		return "", nil, err
	}
	m.Role = tenantry.Role(role)
	m.CreatedAt = m.CreatedAt.UTC()
	return rowID, &m, nil
}

func memberNotFound(err error) error {
	if err == pgx.ErrNoRows {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Member not found.")
	}
	return err
}

// queueMember queues the lookup of a member into *m.
func queueMember(b *pgx.Batch, tenantID, userID string, m **tenantry.Member) {
	b.Queue(`SELECT `+memberColumns+` FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = $1 AND m.user_id = $2`, tenantID, userID).QueryRow(func(row pgx.Row) error {
		var err error
		_, *m, err = scanMember(row)
		return memberNotFound(err)
	})
}

// Member returns the membership of userID (not_found).
func (s *TenantStore) Member(ctx context.Context, userID string) (*tenantry.Member, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	uid, ok := tenantry.ParseID(userID)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Member not found.")
	}
	var m *tenantry.Member
	b := &pgx.Batch{}
	queueMember(b, s.id, uid, &m)
	if err := s.read(ctx, b); err != nil {
		return nil, err
	}
	return m, nil
}

// Members lists members in join order.
func (s *TenantStore) Members(ctx context.Context, p tenantry.Page) ([]*tenantry.Member, string, error) {
	if err := s.check(); err != nil {
		return nil, "", err
	}
	limit, after, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	var (
		out []*tenantry.Member
		ids []string
	)
	b := &pgx.Batch{}
	b.Queue(`SELECT `+memberColumns+` FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = $1 AND ($2::uuid IS NULL OR m.id > $2::uuid) ORDER BY m.id LIMIT $3`,
		s.id, nullID(after), limit+1).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			id, m, err := scanMember(rows)
			if err != nil {
				return err
			}
			out, ids = append(out, m), append(ids, id)
		}
		return rows.Err()
	})
	if err := s.read(ctx, b); err != nil {
		return nil, "", err
	}
	if out == nil {
		out = []*tenantry.Member{}
	}
	if len(out) > limit {
		return out[:limit], tenantry.Cursor(ids[limit-1]), nil
	}
	return out, "", nil
}

// nullID returns nil for "" so that it binds as SQL NULL.
func nullID(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// addMember inserts a membership after checking max_members; the caller
// holds the tenant's row lock and passes the tenant.
func (s *TenantStore) addMember(ctx context.Context, tx pgx.Tx, t *tenantry.Tenant, userID string, role tenantry.Role) (*tenantry.Member, error) {
	var (
		count  int64
		exists bool
		m      = &tenantry.Member{TenantID: s.id, UserID: userID, Role: role, CreatedAt: tenantry.Now()}
	)
	err := tx.QueryRow(ctx, `SELECT u.email, u.name,
		EXISTS (SELECT 1 FROM members WHERE tenant_id = $1 AND user_id = $2),
		(SELECT count(*) FROM members WHERE tenant_id = $1)
		FROM users u WHERE u.id = $2`, s.id, userID).Scan(&m.Email, &m.Name, &exists, &count)
	if err == pgx.ErrNoRows {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	} else if err != nil {
		return nil, err
	}
	if exists {
		return nil, tenantry.Errorf(tenantry.ECONFLICT, "The user is already a member.")
	}
	if limit := s.db.plans.Limit(t, tenantry.LimitMaxMembers); !tenantry.Within(count, limit) {
		return nil, tenantry.Errorf(tenantry.EPLANLIMIT, "The %s plan allows %d members.", t.Plan, limit)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO members (tenant_id, user_id, id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
		s.id, userID, tenantry.NewID(), string(role), m.CreatedAt); err != nil {
		return nil, err
	}
	return m, nil
}

// AddMember adds an existing user (not_found, conflict, plan_limit,
// validation_failed).
func (s *TenantStore) AddMember(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, tenantry.Invalid(map[string]string{"role": "must be owner, admin or member"})
	}
	uid, ok := tenantry.ParseID(userID)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	}
	var (
		t *tenantry.Tenant
		m *tenantry.Member
	)
	b := &pgx.Batch{}
	queueLockTenant(b, s.id, &t)
	err := s.tx(ctx, b, func(tx *wtx) error {
		var err error
		if m, err = s.addMember(ctx, tx, t, uid, role); err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent(ctx, s.id, "member.add", "member", uid, map[string]any{"role": role}))
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// otherOwners counts the owners other than userID; the caller holds the
// tenant's row lock.
func otherOwners(ctx context.Context, tx pgx.Tx, tenantID, userID string) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, `SELECT count(*) FROM members WHERE tenant_id = $1 AND role = 'owner' AND user_id <> $2`,
		tenantID, userID).Scan(&n)
	return n, err
}

// UpdateMember changes a member's role (not_found; validation_failed for
// the last owner).
func (s *TenantStore) UpdateMember(ctx context.Context, userID string, role tenantry.Role) (*tenantry.Member, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, tenantry.Invalid(map[string]string{"role": "must be owner, admin or member"})
	}
	uid, ok := tenantry.ParseID(userID)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Member not found.")
	}
	var (
		t *tenantry.Tenant
		m *tenantry.Member
	)
	b := &pgx.Batch{}
	queueLockTenant(b, s.id, &t)
	queueMember(b, s.id, uid, &m)
	err := s.tx(ctx, b, func(tx *wtx) error {
		if m.Role == tenantry.RoleOwner && role != tenantry.RoleOwner {
			n, err := otherOwners(ctx, tx, s.id, uid)
			if err != nil {
				return err
			}
			if n == 0 {
				return tenantry.ErrLastOwner()
			}
		}
		wb := &pgx.Batch{}
		wb.Queue(`UPDATE members SET role = $3 WHERE tenant_id = $1 AND user_id = $2`, s.id, uid, string(role))
		if err := tx.SendBatch(ctx, wb).Close(); err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent(ctx, s.id, "member.update", "member", uid, map[string]any{"from": m.Role, "to": role}))
	})
	if err != nil {
		return nil, err
	}
	m.Role = role
	return m, nil
}

// RemoveMember removes a member, running the extensions' MemberRemoved
// statements first (not_found;
// validation_failed for the last owner).
func (s *TenantStore) RemoveMember(ctx context.Context, userID string) error {
	if err := s.check(); err != nil {
		return err
	}
	uid, ok := tenantry.ParseID(userID)
	if !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Member not found.")
	}
	var (
		t *tenantry.Tenant
		m *tenantry.Member
	)
	b := &pgx.Batch{}
	queueLockTenant(b, s.id, &t)
	queueMember(b, s.id, uid, &m)
	return s.tx(ctx, b, func(tx *wtx) error {
		if m.Role == tenantry.RoleOwner {
			n, err := otherOwners(ctx, tx, s.id, uid)
			if err != nil {
				return err
			}
			if n == 0 {
				return tenantry.ErrLastOwner()
			}
		}
		wb := &pgx.Batch{}
		now := tenantry.Now()
		for _, e := range s.db.exts {
			for _, q := range e.MemberRemoved {
				wb.Queue(q, s.id, uid, now)
			}
		}
		wb.Queue(`DELETE FROM members WHERE tenant_id = $1 AND user_id = $2`, s.id, uid)
		if err := tx.SendBatch(ctx, wb).Close(); err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent(ctx, s.id, "member.remove", "member", uid, map[string]any{"role": m.Role}))
	})
}
