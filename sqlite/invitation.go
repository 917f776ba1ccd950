package sqlite

import (
	"context"
	"database/sql"
	"errors"
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

// CreateInvitation stores inv; ID, TenantID, CreatedAt and ExpiresAt are
// filled in when empty (validation_failed for a bad e-mail or role;
// plan_limit when the tenant already has max_members members, since the
// invitation could not be accepted).
func (h *TenantStore) CreateInvitation(ctx context.Context, inv *tenantry.Invitation) error {
	if h.err != nil {
		return h.err
	}
	inv.Email = tenantry.NormalizeEmail(inv.Email)
	fields := map[string]string{}
	if inv.Email == "" {
		fields["email"] = "required"
	} else if !tenantry.ValidEmail(inv.Email) {
		fields["email"] = "must be an e-mail address"
	}
	if !inv.Role.Valid() {
		fields["role"] = "must be owner, admin or member"
	}
	if inv.TokenHash == "" {
		fields["token"] = "required"
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	return h.write(ctx, func(tx *wtx, t *tenantry.Tenant) error {
		if err := h.checkMemberQuota(ctx, tx, t); err != nil {
			return err
		}
		if inv.ID == "" {
			inv.ID = tx.newID()
		}
		inv.TenantID = h.id
		if inv.CreatedAt.IsZero() {
			inv.CreatedAt = tenantry.Now()
		}
		if inv.ExpiresAt.IsZero() {
			inv.ExpiresAt = inv.CreatedAt.Add(tenantry.InvitationTTL)
		}
		if err := insertInvitation(ctx, tx, inv); err != nil {
			return err
		}
		return h.audit(ctx, tx, "invitation.create", "invitation", inv.ID, map[string]any{"email": inv.Email, "role": inv.Role})
	})
}

// Invitations lists pending invitations: not accepted and not expired.
func (h *TenantStore) Invitations(ctx context.Context, p tenantry.Page) ([]*tenantry.Invitation, string, error) {
	q, err := h.reader()
	if err != nil {
		return nil, "", err
	}
	limit, after, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE tenant_id = ? AND accepted_at IS NULL AND expires_at > ? AND id > ? ORDER BY id LIMIT ?`,
		h.id, encTime(tenantry.Now()), after, limit+1)
	if err != nil {
		return nil, "", dbErr(fmt.Errorf("list invitations: %w", err))
	}
	return scanPage(rows, "invitations", limit, scanInvitation, func(v *tenantry.Invitation) string { return v.ID })
}

// Invitation returns a pending invitation by id: not accepted and not
// expired (not_found).
func (h *TenantStore) Invitation(ctx context.Context, id string) (*tenantry.Invitation, error) {
	q, err := h.reader()
	if err != nil {
		return nil, err
	}
	inv, err := scanInvitation(q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE tenant_id = ? AND id = ? AND accepted_at IS NULL AND expires_at > ?`, h.id, id, encTime(tenantry.Now())))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
	} else if err != nil {
		return nil, dbErr(fmt.Errorf("read invitation: %w", err))
	}
	return inv, nil
}

// RevokeInvitation deletes a pending invitation (not_found).
func (h *TenantStore) RevokeInvitation(ctx context.Context, id string) error {
	return h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE tenant_id = ? AND id = ? AND accepted_at IS NULL`, h.id, id)
		if err != nil {
			return fmt.Errorf("revoke invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
		}
		return h.audit(ctx, tx, "invitation.revoke", "invitation", id, nil)
	})
}

// AcceptInvitation makes userID a member with the invitation's role and
// marks it accepted, once (not_found for an unknown, used or expired token;
// forbidden when the user's e-mail is not the invited one; conflict when
// already a member; plan_limit over max_members).
func (h *TenantStore) AcceptInvitation(ctx context.Context, tokenHash, userID string) (*tenantry.Member, error) {
	var m *tenantry.Member
	err := h.write(ctx, func(tx *wtx, t *tenantry.Tenant) error {
		now := tenantry.Now()
		inv, err := scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations
			WHERE tenant_id = ? AND token_hash = ? AND accepted_at IS NULL AND expires_at > ?`, h.id, tokenHash, encTime(now)))
		if errors.Is(err, sql.ErrNoRows) {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
		} else if err != nil {
			return fmt.Errorf("read invitation: %w", err)
		}
		u, err := userWhere(ctx, tx, `id = ?`, userID)
		if err != nil {
			return err
		}
		if u.Email != inv.Email {
			return tenantry.Errorf(tenantry.EFORBIDDEN, "This invitation was sent to another e-mail address.")
		}
		if _, err := member(ctx, tx, h.id, u.ID); err == nil {
			return tenantry.Errorf(tenantry.ECONFLICT, "This user is already a member.")
		}
		if err := h.checkMemberQuota(ctx, tx, t); err != nil {
			return err
		}
		if m, err = insertMember(ctx, tx, h.id, u.ID, inv.Role); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = ? WHERE tenant_id = ? AND id = ?`,
			encTime(now), h.id, inv.ID); err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		return h.audit(ctx, tx, "invitation.accept", "invitation", inv.ID, map[string]any{"user_id": u.ID, "role": inv.Role})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
