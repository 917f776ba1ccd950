package core

import (
	"context"

	"github.com/tenantry/tenantry"
)

// invitationColumns are the columns scanInvitation reads, in order.
const invitationColumns = `id, email, role, token_hash, created_by, expires_at, accepted_at, created_at`

// scanInvitation scans one row of invitationColumns.
func scanInvitation(row scanner, tenantID string) (*tenantry.Invitation, error) {
	inv := &tenantry.Invitation{TenantID: tenantID}
	var role string
	if err := row.Scan(&inv.ID, &inv.Email, &role, &inv.TokenHash, &inv.CreatedBy, &inv.ExpiresAt, &inv.AcceptedAt, &inv.CreatedAt); err != nil {
		return nil, err
	}
	inv.Role = tenantry.Role(role)
	return inv, nil
}

// errInvitationNotFound is the not_found error of an invitation.
func errInvitationNotFound() error {
	return tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
}

// validInvitation normalises inv's e-mail and checks what a caller sets.
func validInvitation(inv *tenantry.Invitation) error {
	inv.Email = tenantry.NormalizeEmail(inv.Email)
	fields := map[string]string{}
	if inv.Email == "" {
		fields["email"] = "required"
	} else if !tenantry.ValidEmail(inv.Email) {
		fields["email"] = "must be an e-mail address"
	}
	checkRole(fields, inv.Role)
	if inv.TokenHash == "" {
		fields["token"] = "required"
	}
	settleID(fields, &inv.ID)
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	return nil
}

// CreateInvitation stores inv; ID, TenantID, CreatedAt and ExpiresAt are
// filled in when empty (validation_failed for a bad e-mail, role, token or
// id; plan_limit when the tenant already has max_members members, since
// the invitation could not be accepted).
func (s Rules) CreateInvitation(ctx context.Context, inv *tenantry.Invitation) error {
	if err := validInvitation(inv); err != nil {
		return err
	}
	return s.ts.Write(ctx, func(tx tenantry.Tx) error {
		t, err := tx.Tenant(ctx)
		if err != nil {
			return err
		}
		if inv.TenantID != "" && inv.TenantID != t.ID {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Tenant not found.")
		}
		var count int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM members WHERE tenant_id = $1`, t.ID).Scan(&count); err != nil {
			return err
		}
		if err := withinMembers(s.cfg, t, count); err != nil {
			return err
		}
		inv.TenantID = t.ID
		if inv.CreatedAt.IsZero() {
			inv.CreatedAt = tenantry.Now()
		}
		if inv.ExpiresAt.IsZero() {
			inv.ExpiresAt = inv.CreatedAt.Add(tenantry.InvitationTTL)
		}
		tx.Queue(ctx, `INSERT INTO invitations (tenant_id, `+invitationColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			t.ID, inv.ID, inv.Email, string(inv.Role), inv.TokenHash, inv.CreatedBy, inv.ExpiresAt, inv.AcceptedAt, inv.CreatedAt)
		return tx.Audit(ctx, "invitation.create", "invitation", inv.ID, map[string]any{"email": inv.Email, "role": inv.Role})
	})
}

// pending selects the invitations that are neither accepted nor expired.
const pending = `SELECT ` + invitationColumns + ` FROM invitations
	WHERE tenant_id = $1 AND accepted_at IS NULL AND expires_at > $2`

// Invitations lists pending invitations: not accepted and not expired.
func (s Rules) Invitations(ctx context.Context, p tenantry.Page) ([]*tenantry.Invitation, string, error) {
	limit, after, err := start(p)
	if err != nil {
		return nil, "", err
	}
	return list(ctx, s.ts, limit, pending+` AND id > $3 ORDER BY id LIMIT $4`, []any{s.ts.ID(), tenantry.Now(), after, limit + 1},
		func(row scanner, tid string) (*tenantry.Invitation, string, error) {
			inv, err := scanInvitation(row, tid)
			if err != nil {
				return nil, "", err
			}
			return inv, inv.ID, nil
		})
}

// Invitation returns a pending invitation by id (not_found).
func (s Rules) Invitation(ctx context.Context, id string) (*tenantry.Invitation, error) {
	iid, ok := tenantry.ParseID(id)
	if !ok {
		return nil, errInvitationNotFound()
	}
	var inv *tenantry.Invitation
	err := s.ts.Read(ctx, func(tx tenantry.Tx) error {
		var err error
		inv, err = scanInvitation(tx.QueryRow(ctx, pending+` AND id = $3`, tx.TenantID(), tenantry.Now(), iid), tx.TenantID())
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return errInvitationNotFound()
		}
		return err
	})
	return inv, err
}

// RevokeInvitation deletes a pending invitation (not_found).
func (s Rules) RevokeInvitation(ctx context.Context, id string) error {
	iid, ok := tenantry.ParseID(id)
	if !ok {
		return errInvitationNotFound()
	}
	return s.ts.Write(ctx, func(tx tenantry.Tx) error {
		n, err := tx.Exec(ctx, `DELETE FROM invitations WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL`, tx.TenantID(), iid)
		if err != nil {
			return err
		}
		if n == 0 {
			return errInvitationNotFound()
		}
		return tx.Audit(ctx, "invitation.revoke", "invitation", iid, nil)
	})
}

// AcceptInvitation makes userID a member with the invitation's role and
// marks it accepted, once (not_found for an unknown, used or expired
// token; forbidden when the user's e-mail is not the invited one;
// conflict when already a member; plan_limit over max_members). The
// tenant's row is locked, so two acceptances of one invitation take turns
// and the second finds it used.
func (s Rules) AcceptInvitation(ctx context.Context, tokenHash, userID string) (*tenantry.Member, error) {
	uid, ok := tenantry.ParseID(userID)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	}
	var m *tenantry.Member
	err := s.ts.Write(ctx, func(tx tenantry.Tx) error {
		now := tenantry.Now()
		inv, err := scanInvitation(tx.QueryRow(ctx, pending+` AND token_hash = $3`, tx.TenantID(), now, tokenHash), tx.TenantID())
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return errInvitationNotFound()
		} else if err != nil {
			return err
		}
		if m, err = addMember(ctx, tx, s.cfg, uid, inv.Role, inv.Email); err != nil {
			return err
		}
		tx.Queue(ctx, `UPDATE invitations SET accepted_at = $3 WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), inv.ID, now)
		return tx.Audit(ctx, "invitation.accept", "invitation", inv.ID, map[string]any{"user_id": uid, "role": inv.Role})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
