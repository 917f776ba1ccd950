-- Tenantry PostgreSQL schema, version 5: API keys may expire.
--
-- expires_at is NULL for a key that never expires; a key past it is refused
-- (401) like a revoked one. The runtime role's grants on api_keys cover the
-- new column.

-- +goose Up
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
