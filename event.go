package tenantry

import (
	"context"
	"encoding/json"
	"time"
)

// Event is one change of a tenant as its streams and webhooks see it. The
// store writes it in the transaction of the change, with the change's
// audit event (the outbox): a change that commits has its event, one that
// rolls back has none.
type Event struct {
	// Seq orders the tenant's events: it increases by one with each event
	// of the tenant, in commit order, so "every event after Seq n" loses
	// and repeats nothing (Last-Event-ID of GET /api/events).
	Seq int64 `json:"seq"`
	// ID is the id of the change's audit event.
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	// Type names the change in the past tense: "project.created",
	// "member.removed", "invoice.created"; it follows the audit action.
	Type       string          `json:"type"`
	Actor      AuditActor      `json:"actor"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	Data       json.RawMessage `json:"data,omitempty"`
	At         time.Time       `json:"at"`
}

// EventStore reads the outbox of one tenant.
type EventStore interface {
	// Events returns the tenant's events with Seq > after, oldest first,
	// at most limit of them.
	Events(ctx context.Context, after int64, limit int) ([]*Event, error)
}
