-- Tenantry SQLite schema, version 4: API keys may expire.
--
-- expires_at is NULL for a key that never expires; a key past it is refused
-- (401) like a revoked one.

-- +goose Up
ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
