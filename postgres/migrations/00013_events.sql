-- Tenantry schema: the outbox of tenant events.
--
-- Every audited change of a tenant writes one tenant_events row in its own
-- transaction (postgres.insertAudit, queueAudit): seq counts the tenant's
-- events, one by one, from its tenant_event_seqs row, which the same
-- transaction increments first (INSERT ... ON CONFLICT DO UPDATE ...
-- RETURNING seq, a statement Citus routes to the tenant's shard). The
-- row's lock orders the tenant's writers until commit, and a rolled-back
-- change rolls its increment back too, so seq is gap-free in commit order:
-- "every event after seq n" loses and repeats nothing. Rows older than the
-- retention (--event-retention) are pruned; the counter row stays, so seq
-- never restarts while the tenant lives.
--
-- Both are tenant tables (tenant_id leads every key, rows go with their
-- tenant, row level security forced with the tenant policy) with one
-- narrowly named exception each way, both for the platform only
-- (app.platform = 'on' in that transaction):
--   tenant_events_platform_read   reads events of every tenant;
--   tenant_events_platform_prune  deletes old events of every tenant in one
--                                 statement (Platform.PruneEvents).
-- Neither table is exported.

-- +goose Up
CREATE TABLE tenant_event_seqs (
	tenant_id uuid NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
	seq       bigint NOT NULL
);

CREATE TABLE tenant_events (
	tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	seq         bigint NOT NULL,
	id          uuid NOT NULL,
	type        text NOT NULL,
	actor_type  text NOT NULL,
	actor_id    text NOT NULL DEFAULT '',
	target_type text NOT NULL DEFAULT '',
	target_id   text NOT NULL DEFAULT '',
	data        jsonb,
	at          timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX tenant_events_at ON tenant_events (at);

-- +goose StatementBegin
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['tenant_event_seqs', 'tenant_events']
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

CREATE POLICY tenant_events_platform_read ON tenant_events FOR SELECT
	USING (current_setting('app.platform', true) = 'on');
CREATE POLICY tenant_events_platform_prune ON tenant_events FOR DELETE
	USING (current_setting('app.platform', true) = 'on');

GRANT SELECT, INSERT, UPDATE ON tenant_event_seqs TO tenantry_app;
GRANT SELECT, INSERT, DELETE ON tenant_events TO tenantry_app;
