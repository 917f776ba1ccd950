-- Tenantry SQLite schema: browser sessions of the web pages.
--
-- browser_sessions is a global table (no tenant_id column: a session
-- belongs to a user, who may be a member of many tenants), so that every
-- server process on the same file shares the sessions and a restart signs
-- nobody out. Rows are made at sign-in only (anonymous visitors store
-- nothing); refresh_hash is the SHA-256 of the user's refresh token, never
-- the token. A row expires at expires_at (last_seen plus the idle
-- timeout); expired rows are pruned, and one user keeps at most a few.

-- +goose Up
CREATE TABLE browser_sessions (
	id           TEXT PRIMARY KEY,
	host         TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	refresh_hash TEXT NOT NULL DEFAULT '',
	chats        TEXT NOT NULL DEFAULT '{}',
	flash        TEXT NOT NULL DEFAULT '',
	secret       TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	last_seen    TEXT NOT NULL,
	expires_at   TEXT NOT NULL
) STRICT;
CREATE INDEX browser_sessions_user ON browser_sessions (user_id, last_seen);
CREATE INDEX browser_sessions_expires ON browser_sessions (expires_at);
