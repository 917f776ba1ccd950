package postgres

import (
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
