-- Tenantry PostgreSQL schema, version 4: a tenant's limit overrides are the
-- platform's, in their own column, never in the tenant's settings.
--
-- Settings keys named like a limit move into limits (whole numbers >= -1
-- only; any other value never applied and is dropped). Keys that are
-- neither tenant nor platform-only settings move into custom, merged into
-- an existing custom object (a moved key wins over a custom key of the
-- same name), so every tenant's settings pass validation. A known key
-- holding null is dropped.

-- +goose Up
ALTER TABLE tenants ADD COLUMN limits jsonb NOT NULL DEFAULT '{}';

UPDATE tenants t SET limits = coalesce((
	SELECT jsonb_object_agg(key, to_jsonb(value::numeric::bigint)) FROM jsonb_each(t.settings)
	WHERE key IN ('max_projects', 'max_members', 'requests_per_second', 'chat_per_10s', 'max_in_flight')
		AND CASE WHEN jsonb_typeof(value) = 'number'
			THEN value::numeric % 1 = 0 AND value::numeric BETWEEN -1 AND 9007199254740992
			ELSE false END
), '{}');

UPDATE tenants t SET settings = coalesce((
	SELECT jsonb_object_agg(key, value) FROM jsonb_each(t.settings)
	WHERE jsonb_typeof(value) != 'null' AND key IN ('welcome', 'model', 'system_prompt', 'cors_origins',
		'provider', 'openai_base_url', 'openai_api_key_env')
), '{}') || CASE
	WHEN jsonb_typeof(t.settings -> 'custom') = 'object' OR EXISTS (
		SELECT FROM jsonb_each(t.settings)
		WHERE key NOT IN ('welcome', 'model', 'system_prompt', 'cors_origins', 'custom',
			'provider', 'openai_base_url', 'openai_api_key_env',
			'max_projects', 'max_members', 'requests_per_second', 'chat_per_10s', 'max_in_flight'))
	THEN jsonb_build_object('custom',
		CASE WHEN jsonb_typeof(t.settings -> 'custom') = 'object' THEN t.settings -> 'custom' ELSE '{}' END
		|| coalesce((
			SELECT jsonb_object_agg(key, value) FROM jsonb_each(t.settings)
			WHERE key NOT IN ('welcome', 'model', 'system_prompt', 'cors_origins', 'custom',
				'provider', 'openai_base_url', 'openai_api_key_env',
				'max_projects', 'max_members', 'requests_per_second', 'chat_per_10s', 'max_in_flight')
		), '{}'))
	ELSE '{}' END;

-- +goose Down
UPDATE tenants SET settings = settings || limits;
ALTER TABLE tenants DROP COLUMN limits;
