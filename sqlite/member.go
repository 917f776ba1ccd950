package sqlite

import (
	"github.com/tenantry/tenantry"
)

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
