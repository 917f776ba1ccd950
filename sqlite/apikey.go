package sqlite

import (
	"context"
	"fmt"

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
