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
