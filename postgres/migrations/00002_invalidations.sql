-- Tenantry schema, version 2: the invalidation bus.
--
-- invalidations is a platform table, without row level security and
-- without a tenant_id column (the tenant a row is about is
-- subject_tenant_id, as in platform_audit). Every server process polls it
-- for rows above the highest id it has read and drops the cached facts a
-- row names (postgres.Bus). Inserts take a transaction advisory lock first,
-- so that ids are handed out in commit order and a poller never skips a
-- row committed late. Rows older than a few minutes are pruned.
--
-- The runtime role reads (polls), inserts (publishes) and deletes
-- (prunes); it never updates. USAGE on the sequence lets it draw ids.

-- +goose Up
CREATE TABLE invalidations (
	id                bigserial PRIMARY KEY,
	kind              text NOT NULL,
	subject_tenant_id text NOT NULL DEFAULT '',
	user_id           text NOT NULL DEFAULT '',
	key               text NOT NULL DEFAULT '',
	origin            text NOT NULL DEFAULT '',
	created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invalidations_created ON invalidations (created_at);

GRANT SELECT, INSERT, DELETE ON invalidations TO tenantry_app;
GRANT USAGE ON SEQUENCE invalidations_id_seq TO tenantry_app;
