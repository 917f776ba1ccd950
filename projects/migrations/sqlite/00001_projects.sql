-- +goose Up
-- Projects and tasks, Tenantry's own extension. A database made before
-- they were an extension has them from Tenantry's first migration, the
-- same tables: IF NOT EXISTS keeps it as it is.
CREATE TABLE IF NOT EXISTS projects (
	tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id          TEXT NOT NULL,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	is_active   INTEGER NOT NULL DEFAULT 1,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, name)
) STRICT;
CREATE INDEX IF NOT EXISTS projects_active ON projects (tenant_id, is_active, id);

-- An assignee who leaves the tenant is unassigned by the extension's
-- MemberRemoved statement, in the removal's transaction.
CREATE TABLE IF NOT EXISTS tasks (
	tenant_id      TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id             TEXT NOT NULL,
	project_id     TEXT NOT NULL,
	title          TEXT NOT NULL,
	completed      INTEGER NOT NULL DEFAULT 0,
	assigned_to_id TEXT,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id),
	FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
	FOREIGN KEY (tenant_id, assigned_to_id) REFERENCES members (tenant_id, user_id)
) STRICT;
CREATE INDEX IF NOT EXISTS tasks_project ON tasks (tenant_id, project_id, id);
CREATE INDEX IF NOT EXISTS tasks_assignee ON tasks (tenant_id, assigned_to_id, id);

-- +goose Down
DROP TABLE tasks;
DROP TABLE projects;
