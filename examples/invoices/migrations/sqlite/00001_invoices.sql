-- +goose Up
CREATE TABLE invoices (
	tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id TEXT NOT NULL,
	number TEXT NOT NULL,
	customer TEXT NOT NULL,
	amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'paid')),
	created_at TEXT NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, number)
);
