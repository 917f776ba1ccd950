-- Tenantry SQLite schema: one-time handovers of a signed-in browser from
-- the central host to a tenant's own host.
--
-- browser_handovers is a global table like browser_sessions. hash is the
-- SHA-256 of the code, never the code; a row lives a minute and is deleted
-- when it is exchanged, so a code works once.

-- +goose Up
CREATE TABLE browser_handovers (
	hash       TEXT PRIMARY KEY,
	host       TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	flash      TEXT NOT NULL DEFAULT '',
	expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX browser_handovers_user ON browser_handovers (user_id);
CREATE INDEX browser_handovers_expires ON browser_handovers (expires_at);

