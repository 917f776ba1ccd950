package sqlite

import (
	"context"
	"fmt"

	"github.com/tenantry/tenantry"
)

// invitationColumns are the columns scanInvitation reads, in order.
const invitationColumns = `id, tenant_id, email, role, token_hash, created_by, expires_at, accepted_at, created_at`

// scanInvitation scans one invitation row.
func scanInvitation(row interface{ Scan(...any) error }) (*tenantry.Invitation, error) {
	var inv tenantry.Invitation
	if err := row.Scan(&inv.ID, &inv.TenantID, &inv.Email, &inv.Role, &inv.TokenHash, &inv.CreatedBy,
		timeScan{&inv.ExpiresAt}, nullTimeScan{&inv.AcceptedAt}, timeScan{&inv.CreatedAt}); err != nil {
		return nil, err
	}
	return &inv, nil
}

// insertInvitation inserts inv into tx as it is.
func insertInvitation(ctx context.Context, tx *wtx, inv *tenantry.Invitation) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO invitations (`+invitationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.TenantID, inv.Email, string(inv.Role), inv.TokenHash, inv.CreatedBy, encTime(inv.ExpiresAt),
		encNullTime(inv.AcceptedAt), encTime(inv.CreatedAt))
	if isUnique(err, "") {
		return tenantry.Errorf(tenantry.ECONFLICT, "This invitation already exists.")
	} else if err != nil {
		return fmt.Errorf("insert invitation: %w", err)
	}
	return nil
}
