-- Tenantry PostgreSQL schema, version 8: visitor sessions of the public
-- assistant.
--
-- A chat session started by an anonymous visitor through a tenant's public
-- assistant (settings.public_assistant) has visitor = true and no user. The
-- assistant keeps visitors' and members' sessions apart: neither side can
-- read or continue the other's. The table keeps its row level security and
-- grants; adding a column with a constant default rewrites nothing.

-- +goose Up
ALTER TABLE chat_sessions ADD COLUMN visitor boolean NOT NULL DEFAULT false;

