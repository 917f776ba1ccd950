-- Tenantry PostgreSQL schema: password resets.
--
-- password_resets is a global table, like users and refresh_tokens:
-- without row level security and without a tenant_id column (under Citus
-- it is a reference table). token_hash is the SHA-256 of the one-time
-- token sent by e-mail; the token itself is never stored. A reset is used
-- once (used_at) and only before expires_at.

-- +goose Up
CREATE TABLE password_resets (
	id         uuid PRIMARY KEY,
	user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash text NOT NULL UNIQUE,
	expires_at timestamptz NOT NULL,
	created_at timestamptz NOT NULL,
	used_at    timestamptz
);
CREATE INDEX password_resets_user ON password_resets (user_id);

GRANT SELECT, INSERT, UPDATE ON password_resets TO tenantry_app;
