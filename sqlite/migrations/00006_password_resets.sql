-- Tenantry SQLite schema: password resets.
--
-- password_resets is a global table, like users and refresh_tokens: no
-- tenant_id column. token_hash is the SHA-256 of the one-time token sent
-- by e-mail; the token itself is never stored. A reset is used once
-- (used_at) and only before expires_at.

-- +goose Up
CREATE TABLE password_resets (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,
	expires_at TEXT NOT NULL,
	created_at TEXT NOT NULL,
	used_at    TEXT
) STRICT;
CREATE INDEX password_resets_user ON password_resets (user_id);
