-- Tenantry schema: one-time handovers of a signed-in browser from the
-- central host to a tenant's own host.
--
-- browser_handovers is a global table like browser_sessions, without row
-- level security. hash is the SHA-256 of the code, never the code; a row
-- lives a minute and is deleted when it is exchanged, so a code works once.

-- +goose Up
CREATE TABLE browser_handovers (
	hash       text PRIMARY KEY,
	host       text NOT NULL,
	user_id    text NOT NULL,
	flash      text NOT NULL DEFAULT '',
	expires_at timestamptz NOT NULL
);
CREATE INDEX browser_handovers_user ON browser_handovers (user_id);
CREATE INDEX browser_handovers_expires ON browser_handovers (expires_at);

GRANT SELECT, INSERT, DELETE ON browser_handovers TO tenantry_app;

