-- Tenantry SQLite schema, version 7: visitor sessions of the public
-- assistant.
--
-- A chat session started by an anonymous visitor through a tenant's public
-- assistant (settings.public_assistant) has visitor = 1 and no user. The
-- assistant keeps visitors' and members' sessions apart: neither side can
-- read or continue the other's.

-- +goose Up
ALTER TABLE chat_sessions ADD COLUMN visitor INTEGER NOT NULL DEFAULT 0 CHECK (visitor IN (0, 1));

