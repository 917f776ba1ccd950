-- +goose Up
-- Only the table: Tenantry enables and forces row level security, creates
-- the tenant policy and grants the runtime role itself.
CREATE TABLE invoices (
	tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	id uuid NOT NULL,
	number text NOT NULL,
	customer text NOT NULL,
	amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
	status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'paid')),
	created_at text NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, number)
);
