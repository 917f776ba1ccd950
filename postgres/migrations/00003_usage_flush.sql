-- Tenantry PostgreSQL schema, version 3: one statement writes the request
-- counts of every tenant.
--
-- Exception (c) to tenant isolation: while app.usage_flush is 'on', the
-- usage counters of any tenant may be inserted and incremented (INSERT ...
-- ON CONFLICT DO UPDATE needs the SELECT and UPDATE policies too). Only
-- Platform.AddUsage sets it, in a transaction that runs that one upsert.
-- Nothing may be deleted this way, and no other table is affected.

-- +goose Up
CREATE POLICY usage_counters_flush_select ON usage_counters FOR SELECT
	USING (current_setting('app.usage_flush', true) = 'on');
CREATE POLICY usage_counters_flush_insert ON usage_counters FOR INSERT
	WITH CHECK (current_setting('app.usage_flush', true) = 'on');
CREATE POLICY usage_counters_flush_update ON usage_counters FOR UPDATE
	USING (current_setting('app.usage_flush', true) = 'on')
	WITH CHECK (current_setting('app.usage_flush', true) = 'on');
