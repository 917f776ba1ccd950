-- Tenantry SQLite schema, version 2: the invalidation bus.
--
-- invalidations is a platform table (no tenant_id column: the tenant a row
-- is about is subject_tenant_id, as in platform_audit). Every server
-- process polls it for rows above the highest id it has read and drops the
-- cached facts a row names (sqlite.Bus). AUTOINCREMENT keeps ids from ever
-- being reused after pruning deletes the newest rows, and the single
-- writer makes the id order the commit order. Rows older than a few
-- minutes are pruned.

-- +goose Up
CREATE TABLE invalidations (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	kind              TEXT NOT NULL,
	subject_tenant_id TEXT NOT NULL DEFAULT '',
	user_id           TEXT NOT NULL DEFAULT '',
	key               TEXT NOT NULL DEFAULT '',
	origin            TEXT NOT NULL DEFAULT '',
	created_at        TEXT NOT NULL
) STRICT;
CREATE INDEX invalidations_created ON invalidations (created_at);
