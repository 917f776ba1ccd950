package postgres

import (
	"context"
	"strings"

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

// CreateAPIKey stores key; ID, TenantID and CreatedAt are filled in when
// empty (validation_failed).
func (s *TenantStore) CreateAPIKey(ctx context.Context, key *tenantry.APIKey) error {
	if err := s.check(); err != nil {
		return err
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
	if key.ID == "" {
		key.ID = tenantry.NewID()
	} else if id, ok := tenantry.ParseID(key.ID); ok {
		key.ID = id
	} else {
		fields["id"] = "must be a UUID"
	}
	if key.TenantID != "" && key.TenantID != s.id {
		return tenantry.Errorf(tenantry.ENOTFOUND, "Tenant not found.")
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	key.TenantID = s.id
	if key.CreatedAt.IsZero() {
		key.CreatedAt = tenantry.Now()
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO api_keys (tenant_id, id, name, role, prefix, hash, created_by, created_at, revoked_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, s.id, key.ID, key.Name, string(key.Role), key.Prefix,
		key.Hash, key.CreatedBy, key.CreatedAt, key.RevokedAt, key.ExpiresAt)
	return s.tx(ctx, b, auditIn(ctx, auditEvent(ctx, s.id, "api_key.create", "api_key", key.ID, map[string]any{"name": key.Name, "role": key.Role})))
}

// APIKeys lists the tenant's keys, revoked ones included.
func (s *TenantStore) APIKeys(ctx context.Context, p tenantry.Page) ([]*tenantry.APIKey, string, error) {
	if err := s.check(); err != nil {
		return nil, "", err
	}
	limit, after, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	var out []*tenantry.APIKey
	b := &pgx.Batch{}
	b.Queue(`SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid)
		ORDER BY id LIMIT $3`, s.id, nullID(after), limit+1).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			k, err := scanAPIKey(rows)
			if err != nil {
				return err
			}
			out = append(out, k)
		}
		return rows.Err()
	})
	if err := s.read(ctx, b); err != nil {
		return nil, "", err
	}
	return page(out, limit, func(k *tenantry.APIKey) string { return k.ID })
}

func (s *TenantStore) apiKeyWhere(ctx context.Context, where string, arg any, notFound error) (*tenantry.APIKey, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var k *tenantry.APIKey
	b := &pgx.Batch{}
	b.Queue(`SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = $1 AND `+where, s.id, arg).QueryRow(func(row pgx.Row) error {
		var err error
		k, err = scanAPIKey(row)
		if err == pgx.ErrNoRows {
			return notFound
		}
		return err
	})
	if err := s.read(ctx, b); err != nil {
		return nil, err
	}
	return k, nil
}

// APIKey returns a key by id (not_found).
func (s *TenantStore) APIKey(ctx context.Context, id string) (*tenantry.APIKey, error) {
	notFound := tenantry.Errorf(tenantry.ENOTFOUND, "API key not found.")
	id, ok := tenantry.ParseID(id)
	if !ok {
		if err := s.check(); err != nil {
			return nil, err
		}
		return nil, notFound
	}
	return s.apiKeyWhere(ctx, "id = $2", id, notFound)
}

// APIKeyByHash returns the live key with hash (unauthenticated).
func (s *TenantStore) APIKeyByHash(ctx context.Context, hash string) (*tenantry.APIKey, error) {
	return s.apiKeyWhere(ctx, "hash = $2 AND revoked_at IS NULL", hash,
		tenantry.Errorf(tenantry.EUNAUTHENTICATED, "The API key is not valid."))
}

// RevokeAPIKey revokes a key (not_found).
func (s *TenantStore) RevokeAPIKey(ctx context.Context, id string) error {
	if err := s.check(); err != nil {
		return err
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return tenantry.Errorf(tenantry.ENOTFOUND, "API key not found.")
	}
	b := &pgx.Batch{}
	b.Queue(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3) WHERE tenant_id = $1 AND id = $2`,
		s.id, id, tenantry.Now()).Exec(func(ct pgconnTag) error {
		if ct.RowsAffected() == 0 {
			return tenantry.Errorf(tenantry.ENOTFOUND, "API key not found.")
		}
		return nil
	})
	return s.tx(ctx, b, auditIn(ctx, tenantry.NewAuditEvent(ctx, s.id, "api_key.revoke", "api_key", id)))
}
