-- Tenantry schema: the outbox of tenant events.
--
-- Every audited change of a tenant writes one tenant_events row in its own
-- transaction (sqlite.insertAudit): seq counts the tenant's events, one by
-- one, from tenant_event_seqs, whose row the same transaction increments;
-- the single writer makes seq order the commit order, so "every event
-- after seq n" loses and repeats nothing. Rows older than the retention
-- (--event-retention) are pruned; the counter row stays, so seq never
-- restarts while the tenant lives. Both are tenant tables: tenant_id leads
-- every key and rows go with their tenant. Neither is exported.

-- +goose Up
CREATE TABLE tenant_event_seqs (
	tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
	seq       INTEGER NOT NULL
) STRICT;

CREATE TABLE tenant_events (
	tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	id          TEXT NOT NULL,
	type        TEXT NOT NULL,
	actor_type  TEXT NOT NULL,
	actor_id    TEXT NOT NULL DEFAULT '',
	target_type TEXT NOT NULL DEFAULT '',
	target_id   TEXT NOT NULL DEFAULT '',
	data        TEXT,
	at          TEXT NOT NULL,
	PRIMARY KEY (tenant_id, seq)
) STRICT;
CREATE INDEX tenant_events_at ON tenant_events (at);

-- +goose Down
DROP TABLE tenant_events;
DROP TABLE tenant_event_seqs;
