package postgres

import (
	"context"
	"encoding/json"
	"time"

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

// CreateInvitation stores inv; ID, TenantID, CreatedAt and ExpiresAt are
// filled in when empty (validation_failed).
//
// It is plan_limit when the tenant already has max_members members, since
// the invitation could not be accepted.
func (s *TenantStore) CreateInvitation(ctx context.Context, inv *tenantry.Invitation) error {
	if err := s.check(); err != nil {
		return err
	}
	inv.Email = tenantry.NormalizeEmail(inv.Email)
	fields := map[string]string{}
	if !tenantry.ValidEmail(inv.Email) {
		fields["email"] = "must be an e-mail address"
	}
	if !inv.Role.Valid() {
		fields["role"] = "must be owner, admin or member"
	}
	if inv.TokenHash == "" {
		fields["token"] = "required"
	}
	if inv.ID == "" {
		inv.ID = tenantry.NewID()
	} else if id, ok := tenantry.ParseID(inv.ID); ok {
		inv.ID = id
	} else {
		fields["id"] = "must be a UUID"
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	if inv.TenantID != "" && inv.TenantID != s.id {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Tenant not found.")
	}
	inv.TenantID = s.id
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = tenantry.Now()
	}
	if inv.ExpiresAt.IsZero() {
		inv.ExpiresAt = inv.CreatedAt.Add(tenantry.InvitationTTL)
	}
	var (
		t       *tenantry.Tenant
		members int64
	)
	b := &pgx.Batch{}
	queueLockTenant(b, s.id, &t)
	b.Queue(`SELECT count(*) FROM members WHERE tenant_id = $1`, s.id).QueryRow(func(row pgx.Row) error {
		return row.Scan(&members)
	})
	return s.tx(ctx, b, func(tx *wtx) error {
		if limit := s.db.plans.Limit(t, tenantry.LimitMaxMembers); !tenantry.Within(members, limit) {
			return tenantry.Errorf(tenantry.EPLANLIMIT, "The %s plan allows %d members.", t.Plan, limit)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO invitations (tenant_id, id, email, role, token_hash, created_by, expires_at, accepted_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, s.id, inv.ID, inv.Email, string(inv.Role), inv.TokenHash,
			inv.CreatedBy, inv.ExpiresAt, inv.AcceptedAt, inv.CreatedAt); err != nil {
			return err
		}
		e := tenantry.NewAuditEvent(ctx, s.id, "invitation.create", "invitation", inv.ID)
		e.Data, _ = json.Marshal(map[string]string{"email": inv.Email, "role": string(inv.Role)}) // a map of strings always encodes
		return insertAudit(ctx, tx, e)
	})
}

// Invitations lists pending invitations.
func (s *TenantStore) Invitations(ctx context.Context, p tenantry.Page) ([]*tenantry.Invitation, string, error) {
	if err := s.check(); err != nil {
		return nil, "", err
	}
	limit, after, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	var out []*tenantry.Invitation
	b := &pgx.Batch{}
	b.Queue(`SELECT `+invitationColumns+` FROM invitations WHERE tenant_id = $1 AND accepted_at IS NULL
		AND expires_at > $2 AND ($3::uuid IS NULL OR id > $3::uuid) ORDER BY id LIMIT $4`,
		s.id, time.Now(), nullID(after), limit+1).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			inv, err := scanInvitation(rows)
			if err != nil {
				return err
			}
			out = append(out, inv)
		}
		return rows.Err()
	})
	if err := s.read(ctx, b); err != nil {
		return nil, "", err
	}
	return page(out, limit, func(i *tenantry.Invitation) string { return i.ID })
}

// Invitation returns a pending invitation by id: not accepted and not
// expired (not_found).
func (s *TenantStore) Invitation(ctx context.Context, id string) (*tenantry.Invitation, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
	}
	var inv *tenantry.Invitation
	b := &pgx.Batch{}
	b.Queue(`SELECT `+invitationColumns+` FROM invitations WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL
		AND expires_at > $3`, s.id, id, time.Now()).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var err error
			if inv, err = scanInvitation(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err := s.read(ctx, b); err != nil {
		return nil, err
	}
	if inv == nil {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
	}
	return inv, nil
}

// RevokeInvitation deletes a pending invitation (not_found).
func (s *TenantStore) RevokeInvitation(ctx context.Context, id string) error {
	if err := s.check(); err != nil {
		return err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM invitations WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL`, s.id, id).Exec(func(ct pgconnTag) error {
		if ct.RowsAffected() == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
		}
		return nil
	})
	return s.tx(ctx, b, auditIn(ctx, tenantry.NewAuditEvent(ctx, s.id, "invitation.revoke", "invitation", id)))
}

// AcceptInvitation makes userID a member with the invitation's role and
// marks it accepted, once.
func (s *TenantStore) AcceptInvitation(ctx context.Context, tokenHash, userID string) (*tenantry.Member, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	notFound := tenantry.Errorf(tenantry.ENOTFOUND, "Invitation not found.")
	uid, ok := tenantry.ParseID(userID)
	if !ok {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
	}
	var (
		t     *tenantry.Tenant
		inv   *tenantry.Invitation
		email string
		m     *tenantry.Member
	)
	b := &pgx.Batch{}
	queueLockTenant(b, s.id, &t)
	b.Queue(`SELECT `+invitationColumns+` FROM invitations WHERE tenant_id = $1 AND token_hash = $2
		AND accepted_at IS NULL AND expires_at > $3 FOR UPDATE`, s.id, tokenHash, time.Now()).QueryRow(func(row pgx.Row) error {
		var err error
		if inv, err = scanInvitation(row); err == pgx.ErrNoRows {
			return notFound
		}
		return err
	})
	b.Queue(`SELECT email FROM users WHERE id = $1`, uid).QueryRow(func(row pgx.Row) error {
		if err := row.Scan(&email); err == pgx.ErrNoRows {
			return tenantry.Errorf(tenantry.ENOTFOUND, "User not found.")
		} else if err != nil {
			return err
		}
		return nil
	})
	err := s.tx(ctx, b, func(tx *wtx) error {
		if email != inv.Email {
			return tenantry.Errorf(tenantry.EFORBIDDEN, "This invitation is for another e-mail address.")
		}
		var err error
		if m, err = s.addMember(ctx, tx, t, uid, inv.Role); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE invitations SET accepted_at = $3 WHERE tenant_id = $1 AND id = $2`, s.id, inv.ID, tenantry.Now()); err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent(ctx, s.id, "invitation.accept", "invitation", inv.ID,
			map[string]any{"user_id": uid, "role": inv.Role}))
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
