-- Tenantry SQLite schema, version 3: a tenant's limit overrides are the
-- platform's, in their own column, never in the tenant's settings.
--
-- Settings keys named like a limit move into limits (whole numbers >= -1
-- only; any other value never applied and is dropped). Keys that are
-- neither tenant nor platform-only settings move into custom, merged into
-- an existing custom object (a moved key wins over a custom key of the
-- same name), so every tenant's settings pass validation. A known key
-- holding null is dropped.

-- +goose Up
ALTER TABLE tenants ADD COLUMN limits TEXT NOT NULL DEFAULT '{}';

UPDATE tenants SET limits = (
	SELECT json_group_object(key, value) FROM json_each(tenants.settings)
	WHERE key IN ('max_projects', 'max_members', 'requests_per_second', 'chat_per_10s', 'max_in_flight')
		AND type = 'integer' AND value >= -1
);

-- The subqueries give every value as JSON text (a json_each value is SQL:
-- text, a number, 0 or 1 for booleans); json() makes it JSON again where
-- the object is built, since JSON-ness does not cross a subquery.
UPDATE tenants SET settings = (
	SELECT json_group_object(k, json(v)) FROM (
		SELECT key AS k, CASE
			WHEN type IN ('object', 'array') THEN value
			WHEN type IN ('true', 'false', 'null') THEN type
			ELSE json_quote(value) END AS v
		FROM json_each(tenants.settings)
		WHERE type != 'null' AND key IN ('welcome', 'model', 'system_prompt', 'cors_origins',
			'provider', 'openai_base_url', 'openai_api_key_env')
		UNION ALL
		SELECT 'custom', (
			SELECT json_group_object(ck, json(cv)) FROM (
				SELECT c.key AS ck, CASE
					WHEN c.type IN ('object', 'array') THEN c.value
					WHEN c.type IN ('true', 'false', 'null') THEN c.type
					ELSE json_quote(c.value) END AS cv
				FROM json_each(tenants.settings, '$.custom') c
				WHERE json_type(tenants.settings, '$.custom') = 'object'
					AND c.key NOT IN (SELECT u.key FROM json_each(tenants.settings) u WHERE u.key NOT IN ('welcome', 'model', 'system_prompt', 'cors_origins', 'custom',
					'provider', 'openai_base_url', 'openai_api_key_env',
					'max_projects', 'max_members', 'requests_per_second', 'chat_per_10s', 'max_in_flight'))
				UNION ALL
				SELECT u.key, CASE
					WHEN u.type IN ('object', 'array') THEN u.value
					WHEN u.type IN ('true', 'false', 'null') THEN u.type
					ELSE json_quote(u.value) END
				FROM json_each(tenants.settings) u
				WHERE u.key NOT IN ('welcome', 'model', 'system_prompt', 'cors_origins', 'custom',
					'provider', 'openai_base_url', 'openai_api_key_env',
					'max_projects', 'max_members', 'requests_per_second', 'chat_per_10s', 'max_in_flight')
			)
		)
		WHERE json_type(tenants.settings, '$.custom') = 'object'
			OR EXISTS (SELECT 1 FROM json_each(tenants.settings) u WHERE u.key NOT IN ('welcome', 'model', 'system_prompt', 'cors_origins', 'custom',
					'provider', 'openai_base_url', 'openai_api_key_env',
					'max_projects', 'max_members', 'requests_per_second', 'chat_per_10s', 'max_in_flight'))
	)
);

-- +goose Down
UPDATE tenants SET settings = json_patch(settings, limits);
ALTER TABLE tenants DROP COLUMN limits;
