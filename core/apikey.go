package core

import (
	"context"
	"strings"

	"github.com/tenantry/tenantry"
)

// apiKeyColumns are the columns scanAPIKey reads, in order.
const apiKeyColumns = `id, name, role, prefix, hash, created_by, created_at, revoked_at, expires_at`

// scanAPIKey scans one row of apiKeyColumns.
func scanAPIKey(row scanner, tenantID string) (*tenantry.APIKey, error) {
	k := &tenantry.APIKey{TenantID: tenantID}
	var role string
	if err := row.Scan(&k.ID, &k.Name, &role, &k.Prefix, &k.Hash, &k.CreatedBy, &k.CreatedAt, &k.RevokedAt, &k.ExpiresAt); err != nil {
		return nil, err
	}
	k.Role = tenantry.Role(role)
	return k, nil
}

// errAPIKeyNotFound is the not_found error of an API key.
func errAPIKeyNotFound() error { return tenantry.Errorf(tenantry.ENOTFOUND, "API key not found.") }

// validAPIKey trims key's name and checks what a caller sets.
func validAPIKey(key *tenantry.APIKey) error {
	key.Name = strings.TrimSpace(key.Name)
	fields := map[string]string{}
	switch {
	case !tenantry.CheckText(fields, "name", key.Name):
	case key.Name == "":
		fields["name"] = "required"
	case len(key.Name) > 200:
		fields["name"] = "too long"
	}
	checkRole(fields, key.Role)
	if key.Hash == "" {
		fields["hash"] = "required"
	}
	settleID(fields, &key.ID)
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	return nil
}

// CreateAPIKey stores key; ID, TenantID and CreatedAt are filled in when
// empty (validation_failed for a missing name or hash, a bad role or id).
func (s Rules) CreateAPIKey(ctx context.Context, key *tenantry.APIKey) error {
	if err := validAPIKey(key); err != nil {
		return err
	}
	return s.ts.Write(ctx, func(tx tenantry.Tx) error {
		if key.TenantID != "" && key.TenantID != tx.TenantID() {
			return tenantry.Errorf(tenantry.ENOTFOUND, "Tenant not found.")
		}
		key.TenantID = tx.TenantID()
		if key.CreatedAt.IsZero() {
			key.CreatedAt = tenantry.Now()
		}
		tx.Queue(ctx, `INSERT INTO api_keys (tenant_id, `+apiKeyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			key.TenantID, key.ID, key.Name, string(key.Role), key.Prefix, key.Hash, key.CreatedBy, key.CreatedAt, key.RevokedAt, key.ExpiresAt)
		return tx.Audit(ctx, "api_key.create", "api_key", key.ID, map[string]any{"name": key.Name, "role": key.Role})
	})
}

// APIKeys lists the tenant's keys, revoked ones included.
func (s Rules) APIKeys(ctx context.Context, p tenantry.Page) ([]*tenantry.APIKey, string, error) {
	limit, after, err := start(p)
	if err != nil {
		return nil, "", err
	}
	return list(ctx, s.ts, limit, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		[]any{s.ts.ID(), after, limit + 1}, func(row scanner, tid string) (*tenantry.APIKey, string, error) {
			k, err := scanAPIKey(row, tid)
			if err != nil {
				return nil, "", err
			}
			return k, k.ID, nil
		})
}

// apiKeyWhere reads the tenant's key matching cond ($2 bound to arg); no
// such key is notFound.
func (s Rules) apiKeyWhere(ctx context.Context, cond string, arg any, notFound error) (*tenantry.APIKey, error) {
	var k *tenantry.APIKey
	err := s.ts.Read(ctx, func(tx tenantry.Tx) error {
		var err error
		k, err = scanAPIKey(tx.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = $1 AND `+cond, tx.TenantID(), arg), tx.TenantID())
		if tenantry.IsCode(err, tenantry.ENOTFOUND) {
			return notFound
		}
		return err
	})
	return k, err
}

// APIKey returns a key by id (not_found).
func (s Rules) APIKey(ctx context.Context, id string) (*tenantry.APIKey, error) {
	kid, ok := tenantry.ParseID(id)
	if !ok {
		return nil, errAPIKeyNotFound()
	}
	return s.apiKeyWhere(ctx, `id = $2`, kid, errAPIKeyNotFound())
}

// APIKeyByHash returns the live key with hash (unauthenticated when
// unknown or revoked).
func (s Rules) APIKeyByHash(ctx context.Context, hash string) (*tenantry.APIKey, error) {
	return s.apiKeyWhere(ctx, `hash = $2 AND revoked_at IS NULL`, hash,
		tenantry.Errorf(tenantry.EUNAUTHENTICATED, "The API key is not valid."))
}

// RevokeAPIKey revokes a key (not_found). Revoking a revoked key keeps its
// first revocation time.
func (s Rules) RevokeAPIKey(ctx context.Context, id string) error {
	kid, ok := tenantry.ParseID(id)
	if !ok {
		return errAPIKeyNotFound()
	}
	return s.ts.Write(ctx, func(tx tenantry.Tx) error {
		n, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3) WHERE tenant_id = $1 AND id = $2`,
			tx.TenantID(), kid, tenantry.Now())
		if err != nil {
			return err
		}
		if n == 0 {
			return errAPIKeyNotFound()
		}
		return tx.Audit(ctx, "api_key.revoke", "api_key", kid, nil)
	})
}
