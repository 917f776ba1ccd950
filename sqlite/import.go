package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tenantry/tenantry"
)

// ImportTenant reads what ExportTenant wrote and recreates the tenant with
// the same ids, all or nothing (bad_request for a malformed stream, naming
// the line; conflict when the tenant id, slug or domain exists). The
// stream is decoded and checked by tenantry.DecodeImport; this writes its
// rows. A member's user is the existing user with the same e-mail, or a
// new user with the exported id and no password, who must reset it. The
// import is audited as tenant.import in the platform trail.
func (p *Platform) ImportTenant(ctx context.Context, r io.Reader) (*tenantry.Tenant, error) {
	im, err := tenantry.DecodeImport(r, p.db.plans, p.db.extColumns)
	if err != nil {
		return nil, err
	}
	err = p.db.write(ctx, func(tx *wtx) error {
		if err := insertTenant(ctx, tx, im.Tenant); err != nil {
			return err
		}
		if err := importUsers(ctx, tx, im, p.db.extUsers); err != nil {
			return err
		}
		if err := importRows(ctx, tx, im); err != nil {
			return err
		}
		return platformTenantAudit(ctx, tx, im.Tenant.ID, "tenant.import", map[string]any{"records": im.Records})
	})
	if err != nil {
		return nil, err
	}
	return im.Tenant, nil
}

// importUsers finds or creates the import's users (Import.PlanUsers) and
// maps the rows' user ids to them.
func importUsers(ctx context.Context, tx *wtx, im *tenantry.Import, userColumns map[string][]string) error {
	ids, emails := im.UserIDsAndEmails()
	byEmail, taken := map[string]string{}, map[string]bool{}
	if len(ids) > 0 {
		args := make([]any, 0, len(ids)+len(emails))
		for _, e := range emails {
			args = append(args, e)
		}
		for _, id := range ids {
			args = append(args, id)
		}
		marks := func(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
		err := eachRow(ctx, tx, func(rows *sql.Rows) error {
			var id, email string
			if err := rows.Scan(&id, &email); err != nil {
				return err
			}
			byEmail[email], taken[id] = id, true
			return nil
		}, `SELECT id, email FROM users WHERE email IN (`+marks(len(emails))+`) OR id IN (`+marks(len(ids))+`)`, args...)
		if err != nil {
			return fmt.Errorf("read users: %w", err)
		}
	}
	local, create := im.PlanUsers(byEmail, taken)
	now := encTime(tenantry.Now())
	for _, u := range create {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, '', ?, ?)`, u.Value.ID, u.Value.Email, u.Value.Name, now, now); err != nil {
			return fitImport(u.Line, tenantry.ExportUser, err)
		}
	}
	return im.MapUsers(local, userColumns)
}

// importRows inserts the tenant's rows of an import in export order.
func importRows(ctx context.Context, tx *wtx, im *tenantry.Import) error {
	tid := im.Tenant.ID
	for i, m := range im.Members {
		if _, err := tx.ExecContext(ctx, `INSERT INTO members (tenant_id, user_id, id, role, created_at) VALUES (?, ?, ?, ?, ?)`,
			tid, m.Value.UserID, im.MemberRowIDs[i], string(m.Value.Role), encTime(m.Value.CreatedAt)); err != nil {
			return fitImport(m.Line, tenantry.ExportMember, err)
		}
	}
	for _, inv := range im.Invitations {
		v := inv.Value.Invitation
		v.TokenHash = inv.Value.TokenHash
		if err := insertInvitation(ctx, tx, &v); err != nil {
			return fitImport(inv.Line, tenantry.ExportInvitation, err)
		}
	}
	for _, k := range im.APIKeys {
		v := k.Value.APIKey
		v.Hash = k.Value.Hash
		if err := insertAPIKey(ctx, tx, &v); err != nil {
			return fitImport(k.Line, tenantry.ExportAPIKey, err)
		}
	}
	for _, s := range im.ChatSessions {
		if err := insertChatSession(ctx, tx, &s.Value); err != nil {
			return fitImport(s.Line, tenantry.ExportChatSession, err)
		}
	}
	for _, m := range im.ChatMessages {
		if err := insertChatMessage(ctx, tx, &m.Value); err != nil {
			return fitImport(m.Line, tenantry.ExportChatMessage, err)
		}
	}
	for _, u := range im.Usage {
		if _, err := tx.ExecContext(ctx, `INSERT INTO usage_counters (tenant_id, day, counter, value) VALUES (?, ?, ?, ?)`,
			tid, u.Value.Day.Format(dayFormat), u.Value.Counter, u.Value.Value); err != nil {
			return fitImport(u.Line, tenantry.ExportUsage, err)
		}
	}
	for _, e := range im.AuditEvents {
		if err := insertAuditRow(ctx, tx, &e.Value); err != nil {
			return fitImport(e.Line, tenantry.ExportAuditEvent, err)
		}
	}
	for _, r := range im.Rows {
		if err := insertRow(ctx, tx, r.Value); err != nil {
			return fitImport(r.Line, tenantry.ExportRow, err)
		}
	}
	return nil
}

// fitImport is the error of the insert of line's record: bad_request when
// the row breaks a constraint (it does not fit the rest of the export).
func fitImport(line int, typ string, err error) error {
	var te *tenantry.Error
	switch {
	case errors.As(err, &te):
		return err
	case isConstraint(err):
		return tenantry.BadImport("line %d (%s) does not fit the rest of the export.", line, typ)
	}
	return fmt.Errorf("import line %d: %w", line, err)
}
