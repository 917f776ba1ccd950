package postgres

import (
	"github.com/jackc/pgx/v5"
	"github.com/tenantry/tenantry"
)

const apiKeyColumns = `tenant_id, id, name, role, prefix, hash, created_by, created_at, revoked_at, expires_at`

func scanAPIKey(row pgx.Row) (*tenantry.APIKey, error) {
	var (
		k    tenantry.APIKey
		role string
	)
	if err := row.Scan(&k.TenantID, &k.ID, &k.Name, &role, &k.Prefix, &k.Hash, &k.CreatedBy, &k.CreatedAt, &k.RevokedAt, &k.ExpiresAt); err != nil {
		return nil, err
	}
	k.Role = tenantry.Role(role)
	k.CreatedAt = k.CreatedAt.UTC()
	if k.RevokedAt != nil {
		r := k.RevokedAt.UTC()
		k.RevokedAt = &r
	}
	if k.ExpiresAt != nil {
		e := k.ExpiresAt.UTC()
		k.ExpiresAt = &e
	}
	return &k, nil
}
