-- +goose Up
-- Projects and tasks, Tenantry's own extension. A database made before
-- they were an extension has them from Tenantry's first migration, the
-- same tables: IF NOT EXISTS keeps them. Tenantry enables and forces row
-- level security on both, creates their tenant policy and grants the
-- runtime role itself (tenantry.Extension).
CREATE TABLE IF NOT EXISTS projects (
	tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id          uuid NOT NULL,
	name        text NOT NULL,
	description text NOT NULL DEFAULT '',
	is_active   boolean NOT NULL DEFAULT true,
	created_at  timestamptz NOT NULL,
	updated_at  timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, name)
);

CREATE TABLE IF NOT EXISTS tasks (
	tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id             uuid NOT NULL,
	project_id     uuid NOT NULL,
	title          text NOT NULL,
	completed      boolean NOT NULL DEFAULT false,
	assigned_to_id uuid,
	created_at     timestamptz NOT NULL,
	updated_at     timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT tasks_project_fkey FOREIGN KEY (tenant_id, project_id)
		REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS tasks_project ON tasks (tenant_id, project_id, id);
CREATE INDEX IF NOT EXISTS tasks_assignee ON tasks (tenant_id, assigned_to_id) WHERE assigned_to_id IS NOT NULL;

-- The assignee key without ON DELETE SET NULL (assigned_to_id): Citus
-- refuses SET NULL on a key that holds the distribution column. The
-- extension's MemberRemoved statement unassigns instead, in the removal's
-- transaction. A database from before has the SET NULL key: replace it.
ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_assignee_fkey;
ALTER TABLE tasks ADD CONSTRAINT tasks_assignee_fkey FOREIGN KEY (tenant_id, assigned_to_id)
	REFERENCES members (tenant_id, user_id);

-- +goose Down
DROP TABLE tasks;
DROP TABLE projects;
