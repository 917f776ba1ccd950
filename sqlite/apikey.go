package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tenantry/tenantry"
)

// apiKeyColumns are the columns scanAPIKey reads, in order.
const apiKeyColumns = `id, tenant_id, name, role, prefix, hash, created_by, created_at, revoked_at, expires_at`

// scanAPIKey scans one API key row.
func scanAPIKey(row interface{ Scan(...any) error }) (*tenantry.APIKey, error) {
	var k tenantry.APIKey
	if err := row.Scan(&k.ID, &k.TenantID, &k.Name, &k.Role, &k.Prefix, &k.Hash, &k.CreatedBy,
		timeScan{&k.CreatedAt}, nullTimeScan{&k.RevokedAt}, nullTimeScan{&k.ExpiresAt}); err != nil {
		return nil, err
	}
	return &k, nil
}

// insertAPIKey inserts k into tx as it is.
func insertAPIKey(ctx context.Context, tx *wtx, k *tenantry.APIKey) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.TenantID, k.Name, string(k.Role), k.Prefix, k.Hash, k.CreatedBy, encTime(k.CreatedAt), encNullTime(k.RevokedAt),
		encNullTime(k.ExpiresAt))
	if isUnique(err, "") {
		return tenantry.Errorf(tenantry.ECONFLICT, "This API key already exists.")
	} else if err != nil {
		return fmt.Errorf("insert api key: %w", err)
	}
	return nil
}

// CreateAPIKey stores key; ID, TenantID and CreatedAt are filled in when
// empty (validation_failed for a missing name, hash or bad role).
func (h *TenantStore) CreateAPIKey(ctx context.Context, key *tenantry.APIKey) error {
	if h.err != nil {
		return h.err
	}
	key.Name = strings.TrimSpace(key.Name)
	fields := map[string]string{}
	switch {
	case !tenantry.CheckText(fields, "name", key.Name):
	case key.Name == "":
		fields["name"] = "required"
	case len(key.Name) > 200:
		fields["name"] = "too long"
	}
	if !key.Role.Valid() {
		fields["role"] = "must be owner, admin or member"
	}
	if key.Hash == "" {
		fields["hash"] = "required"
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	return h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		if key.ID == "" {
			key.ID = tx.newID()
		}
		key.TenantID = h.id
		if key.CreatedAt.IsZero() {
			key.CreatedAt = tenantry.Now()
		}
		if err := insertAPIKey(ctx, tx, key); err != nil {
			return err
		}
		return h.audit(ctx, tx, "api_key.create", "api_key", key.ID, map[string]any{"name": key.Name, "role": key.Role})
	})
}

// APIKeys lists the tenant's keys, revoked ones included.
func (h *TenantStore) APIKeys(ctx context.Context, p tenantry.Page) ([]*tenantry.APIKey, string, error) {
	q, err := h.reader()
	if err != nil {
		return nil, "", err
	}
	limit, after, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?`,
		h.id, after, limit+1)
	if err != nil {
		return nil, "", dbErr(fmt.Errorf("list api keys: %w", err))
	}
	return scanPage(rows, "api keys", limit, scanAPIKey, func(v *tenantry.APIKey) string { return v.ID })
}

// APIKey returns a key by id (not_found).
func (h *TenantStore) APIKey(ctx context.Context, id string) (*tenantry.APIKey, error) {
	q, err := h.reader()
	if err != nil {
		return nil, err
	}
	k, err := scanAPIKey(q.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = ? AND id = ?`, h.id, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantry.Errorf(tenantry.ENOTFOUND, "API key not found.")
	} else if err != nil {
		return nil, dbErr(fmt.Errorf("read api key: %w", err))
	}
	return k, nil
}

// APIKeyByHash returns the live key with hash (unauthenticated when unknown
// or revoked).
func (h *TenantStore) APIKeyByHash(ctx context.Context, hash string) (*tenantry.APIKey, error) {
	q, err := h.reader()
	if err != nil {
		return nil, err
	}
	k, err := scanAPIKey(q.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys
		WHERE tenant_id = ? AND hash = ? AND revoked_at IS NULL`, h.id, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantry.Errorf(tenantry.EUNAUTHENTICATED, "The API key is not valid.")
	} else if err != nil {
		return nil, dbErr(fmt.Errorf("read api key: %w", err))
	}
	return k, nil
}

// RevokeAPIKey revokes a key (not_found). Revoking a revoked key keeps its
// first revocation time.
func (h *TenantStore) RevokeAPIKey(ctx context.Context, id string) error {
	return h.write(ctx, func(tx *wtx, _ *tenantry.Tenant) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE tenant_id = ? AND id = ?`,
			encTime(tenantry.Now()), h.id, id)
		if err != nil {
			return fmt.Errorf("revoke api key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "API key not found.")
		}
		return h.audit(ctx, tx, "api_key.revoke", "api_key", id, nil)
	})
}
