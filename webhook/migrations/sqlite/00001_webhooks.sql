-- +goose Up
CREATE TABLE webhooks (
	tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id TEXT NOT NULL,
	url TEXT NOT NULL,
	events TEXT NOT NULL,
	secret TEXT NOT NULL,
	created_at TEXT NOT NULL,
	since TEXT NOT NULL,
	after_seq INTEGER NOT NULL DEFAULT 0,
	failures INTEGER NOT NULL DEFAULT 0,
	disabled_at TEXT,
	disabled_reason TEXT,
	PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_deliveries (
	tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id TEXT NOT NULL,
	webhook_id TEXT NOT NULL,
	message_id TEXT NOT NULL,
	event_seq INTEGER NOT NULL,
	event_id TEXT NOT NULL,
	event_type TEXT NOT NULL,
	payload TEXT NOT NULL,
	attempt INTEGER NOT NULL CHECK (attempt >= 1),
	status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
	created_at TEXT NOT NULL,
	next_attempt_at TEXT,
	attempted_at TEXT,
	status_code INTEGER,
	error TEXT,
	duration_ms INTEGER,
	claimed_until TEXT,
	claimed_by TEXT,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, webhook_id, event_seq, attempt),
	FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (tenant_id, status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (tenant_id, webhook_id, id);
