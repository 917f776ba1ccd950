-- +goose Up
-- Only the tables: Tenantry enables and forces row level security, creates
-- the tenant policies and grants the runtime role itself. Times are
-- RFC 3339 text in UTC with a fixed width (as on SQLite), so that they
-- compare as text the same way on both.
CREATE TABLE webhooks (
	tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id uuid NOT NULL,
	url text NOT NULL,
	events text NOT NULL,
	secret text NOT NULL,
	created_at text NOT NULL,
	since text NOT NULL,
	after_seq bigint NOT NULL DEFAULT 0,
	failures integer NOT NULL DEFAULT 0,
	disabled_at text,
	disabled_reason text,
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_deliveries (
	tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id uuid NOT NULL,
	webhook_id uuid NOT NULL,
	message_id uuid NOT NULL,
	event_seq bigint NOT NULL,
	event_id text NOT NULL,
	event_type text NOT NULL,
	payload text NOT NULL,
	attempt integer NOT NULL CHECK (attempt >= 1),
	status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
	created_at text NOT NULL,
	next_attempt_at text,
	attempted_at text,
	status_code integer,
	error text,
	duration_ms bigint,
	claimed_until text,
	claimed_by text,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, webhook_id, event_seq, attempt),
	FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (tenant_id, status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (tenant_id, webhook_id, id);
