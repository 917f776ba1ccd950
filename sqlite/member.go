package sqlite

import (
	"context"
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
