-- Tenantry schema, version 1.
--
-- Global tables (tenants, users, refresh_tokens, platform_audit) have no
-- tenant_id column. Every other table is a tenant table: tenant_id is the
-- first column of its primary key and of every unique and foreign key, and
-- row level security (ENABLE + FORCE) hides every row whose tenant_id is not
-- the transaction's app.tenant_id.
--
-- Two narrowly named extra policies exist, both read-only:
--   members_self_read      lets a transaction that set app.user_id read that
--                          user's memberships in every tenant (UserMemberships).
--   audit_events_platform_read lets a transaction that set app.platform = 'on'
--                          read audit events of every tenant (Platform.AuditEvents).
-- Nothing else ever crosses tenants: platform work on one tenant sets that
-- tenant in turn.

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenantry_app') THEN
		CREATE ROLE tenantry_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
	END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
	NULL; -- another database of the cluster created it concurrently
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
BEGIN
	IF NOT pg_has_role(current_user, 'tenantry_app', 'MEMBER') THEN
		EXECUTE format('GRANT tenantry_app TO %I', current_user);
	END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
	NULL; -- granted concurrently
END
$$;
-- +goose StatementEnd

CREATE TABLE tenants (
	id         uuid PRIMARY KEY,
	name       text NOT NULL,
	slug       text NOT NULL UNIQUE,
	domain     text UNIQUE,
	plan       text NOT NULL,
	status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'archived')),
	settings   jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL,
	updated_at timestamptz NOT NULL
);

CREATE TABLE users (
	id                uuid PRIMARY KEY,
	email             text NOT NULL UNIQUE,
	name              text NOT NULL,
	password_hash     text NOT NULL DEFAULT '',
	platform_admin    boolean NOT NULL DEFAULT false,
	default_tenant_id uuid REFERENCES tenants (id) ON DELETE SET NULL,
	created_at        timestamptz NOT NULL,
	updated_at        timestamptz NOT NULL
);

CREATE TABLE refresh_tokens (
	id         uuid PRIMARY KEY,
	user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	family_id  uuid NOT NULL,
	hash       text NOT NULL UNIQUE,
	expires_at timestamptz NOT NULL,
	created_at timestamptz NOT NULL,
	revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE platform_audit (
	id                uuid PRIMARY KEY,
	subject_tenant_id uuid,
	actor_type        text NOT NULL,
	actor_id          text NOT NULL DEFAULT '',
	action            text NOT NULL,
	target_type       text NOT NULL DEFAULT '',
	target_id         text NOT NULL DEFAULT '',
	at                timestamptz NOT NULL,
	request_id        text NOT NULL DEFAULT '',
	data              jsonb
);
CREATE INDEX platform_audit_subject ON platform_audit (subject_tenant_id, id);

CREATE TABLE members (
	tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	id         uuid NOT NULL,
	role       text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
	created_at timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, user_id),
	UNIQUE (tenant_id, id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE invitations (
	tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id          uuid NOT NULL,
	email       text NOT NULL,
	role        text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
	token_hash  text NOT NULL,
	created_by  text NOT NULL DEFAULT '',
	expires_at  timestamptz NOT NULL,
	accepted_at timestamptz,
	created_at  timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, token_hash)
);

CREATE TABLE api_keys (
	tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id         uuid NOT NULL,
	name       text NOT NULL,
	role       text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
	prefix     text NOT NULL DEFAULT '',
	hash       text NOT NULL,
	created_by text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL,
	revoked_at timestamptz,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, hash)
);

CREATE TABLE audit_events (
	tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id          uuid NOT NULL,
	actor_type  text NOT NULL,
	actor_id    text NOT NULL DEFAULT '',
	action      text NOT NULL,
	target_type text NOT NULL DEFAULT '',
	target_id   text NOT NULL DEFAULT '',
	at          timestamptz NOT NULL,
	request_id  text NOT NULL DEFAULT '',
	data        jsonb,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_events_id ON audit_events (id);

CREATE TABLE chat_sessions (
	tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id         uuid NOT NULL,
	user_id    text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE chat_messages (
	tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id         uuid NOT NULL,
	session_id uuid NOT NULL,
	role       text NOT NULL,
	content    text NOT NULL,
	model      text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, id),
	FOREIGN KEY (tenant_id, session_id) REFERENCES chat_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX chat_messages_session ON chat_messages (tenant_id, session_id, id);

CREATE TABLE usage_counters (
	tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	day       date NOT NULL,
	counter   text NOT NULL,
	value     bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, day, counter)
);

-- Row level security on every tenant table.
-- +goose StatementBegin
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['members', 'invitations', 'api_keys',
		'audit_events', 'chat_sessions', 'chat_messages', 'usage_counters']
	LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
		EXECUTE format($p$CREATE POLICY tenant_isolation ON %I FOR ALL
			USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
			WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
	END LOOP;
END
$$;
-- +goose StatementEnd

-- Exception (a): a user's own memberships, read-only, for UserMemberships.
CREATE POLICY members_self_read ON members FOR SELECT
	USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);

-- Exception (b): audit events of every tenant, read-only, for
-- Platform.AuditEvents only.
CREATE POLICY audit_events_platform_read ON audit_events FOR SELECT
	USING (current_setting('app.platform', true) = 'on');

GRANT USAGE ON SCHEMA public TO tenantry_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, users, refresh_tokens, platform_audit,
	members, invitations, api_keys, audit_events, chat_sessions,
	chat_messages, usage_counters TO tenantry_app;
