-- Tenantry schema: browser sessions of the web pages.
--
-- browser_sessions is a global table, without row level security and
-- without a tenant_id column (a session belongs to a user, who may be a
-- member of many tenants), so that every server process on the same
-- database shares the sessions and a restart signs nobody out. Rows are
-- made at sign-in only (anonymous visitors store nothing); refresh_hash is
-- the SHA-256 of the user's refresh token, never the token. A row expires
-- at expires_at (last_seen plus the idle timeout); expired rows are
-- pruned, and one user keeps at most a few.

-- +goose Up
CREATE TABLE browser_sessions (
	id           text PRIMARY KEY,
	host         text NOT NULL,
	user_id      text NOT NULL,
	refresh_hash text NOT NULL DEFAULT '',
	chats        jsonb NOT NULL DEFAULT '{}',
	flash        text NOT NULL DEFAULT '',
	secret       text NOT NULL DEFAULT '',
	created_at   timestamptz NOT NULL,
	last_seen    timestamptz NOT NULL,
	expires_at   timestamptz NOT NULL
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id, last_seen);
CREATE INDEX browser_sessions_expires ON browser_sessions (expires_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON browser_sessions TO tenantry_app;
