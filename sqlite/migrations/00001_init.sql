-- Tenantry SQLite schema, version 1.
--
-- Global tables (tenants, users, refresh_tokens, platform_audit) have no
-- tenant_id column. Every other table is a tenant table: tenant_id is the
-- first column of its primary key and of every unique and foreign key, and
-- it references tenants (id) ON DELETE CASCADE.
--
-- Times are TEXT in the fixed-width form 2006-01-02T15:04:05.000000Z, so
-- they sort as text. Booleans are INTEGER 0/1. Ids are UUIDv7 text, so the
-- id order is the creation order.

-- +goose Up
CREATE TABLE tenants (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	slug       TEXT NOT NULL UNIQUE,
	domain     TEXT UNIQUE,
	plan       TEXT NOT NULL,
	status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'archived')),
	settings   TEXT NOT NULL DEFAULT '{}',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX tenants_status ON tenants (status, id);
CREATE INDEX tenants_plan ON tenants (plan, id);

CREATE TABLE users (
	id                TEXT PRIMARY KEY,
	email             TEXT NOT NULL UNIQUE,
	name              TEXT NOT NULL,
	password_hash     TEXT NOT NULL DEFAULT '',
	platform_admin    INTEGER NOT NULL DEFAULT 0,
	default_tenant_id TEXT REFERENCES tenants (id) ON DELETE SET NULL,
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX users_platform_admin ON users (platform_admin) WHERE platform_admin = 1;
CREATE INDEX users_default_tenant ON users (default_tenant_id);

CREATE TABLE refresh_tokens (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	family_id  TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE,
	expires_at TEXT NOT NULL,
	created_at TEXT NOT NULL,
	revoked_at TEXT
) STRICT;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE platform_audit (
	id                TEXT PRIMARY KEY,
	subject_tenant_id TEXT,
	actor_type        TEXT NOT NULL,
	actor_id          TEXT NOT NULL DEFAULT '',
	action            TEXT NOT NULL,
	target_type       TEXT NOT NULL DEFAULT '',
	target_id         TEXT NOT NULL DEFAULT '',
	at                TEXT NOT NULL,
	request_id        TEXT NOT NULL DEFAULT '',
	data              TEXT
) STRICT;
CREATE INDEX platform_audit_subject ON platform_audit (subject_tenant_id, id);

CREATE TABLE members (
	tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
	created_at TEXT NOT NULL,
	PRIMARY KEY (tenant_id, user_id),
	UNIQUE (tenant_id, id)
) STRICT;
CREATE INDEX members_user ON members (user_id);

CREATE TABLE invitations (
	tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id          TEXT NOT NULL,
	email       TEXT NOT NULL,
	role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
	token_hash  TEXT NOT NULL,
	created_by  TEXT NOT NULL DEFAULT '',
	expires_at  TEXT NOT NULL,
	accepted_at TEXT,
	created_at  TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, token_hash)
) STRICT;

CREATE TABLE api_keys (
	tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
	prefix     TEXT NOT NULL DEFAULT '',
	hash       TEXT NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	revoked_at TEXT,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, hash)
) STRICT;

CREATE TABLE audit_events (
	tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id          TEXT NOT NULL,
	actor_type  TEXT NOT NULL,
	actor_id    TEXT NOT NULL DEFAULT '',
	action      TEXT NOT NULL,
	target_type TEXT NOT NULL DEFAULT '',
	target_id   TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL,
	request_id  TEXT NOT NULL DEFAULT '',
	data        TEXT,
	PRIMARY KEY (tenant_id, id)
) STRICT;
CREATE INDEX audit_events_id ON audit_events (id);
CREATE INDEX audit_events_action ON audit_events (tenant_id, action, id);

CREATE TABLE chat_sessions (
	tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	user_id    TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE TABLE chat_messages (
	tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	session_id TEXT NOT NULL,
	role       TEXT NOT NULL,
	content    TEXT NOT NULL,
	model      TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id),
	FOREIGN KEY (tenant_id, session_id) REFERENCES chat_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX chat_messages_session ON chat_messages (tenant_id, session_id, id);

CREATE TABLE usage_counters (
	tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	day       TEXT NOT NULL,
	counter   TEXT NOT NULL,
	value     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, day, counter)
) STRICT;
