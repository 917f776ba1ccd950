package postgres

import (
	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

const invitationColumns = `tenant_id, id, email, role, token_hash, created_by, expires_at, accepted_at, created_at`

func scanInvitation(row pgx.Row) (*tenantry.Invitation, error) {
	var (
		inv  tenantry.Invitation
		role string
	)
	if err := row.Scan(&inv.TenantID, &inv.ID, &inv.Email, &role, &inv.TokenHash, &inv.CreatedBy, &inv.ExpiresAt, &inv.AcceptedAt, &inv.CreatedAt); err != nil {
		return nil, err
	}
	inv.Role = tenantry.Role(role)
	inv.ExpiresAt, inv.CreatedAt = inv.ExpiresAt.UTC(), inv.CreatedAt.UTC()
	if inv.AcceptedAt != nil {
		a := inv.AcceptedAt.UTC()
		inv.AcceptedAt = &a
	}
	return &inv, nil
}
