package tenantry

import (
	"context"
	"encoding/json"
	"slices"
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
	// LatestEventSeq returns the Seq of the tenant's latest event (0 when
	// it has none): a stream that starts "from now" resumes after it.
	LatestEventSeq(ctx context.Context) (int64, error)
}

// EventFilter selects events of the platform's cross-tenant read
// (Platform.Events).
type EventFilter struct {
	// TenantID is the tenant whose events are read (required: sequences
	// are per tenant, so "after" means nothing across tenants).
	TenantID string
	// After is the sequence number after which events are returned.
	After int64
	// Limit is the most events returned (DefaultEventLimit when 0, at most
	// MaxEventLimit).
	Limit int
}

// Limits of one read of the outbox.
const (
	DefaultEventLimit = 100
	MaxEventLimit     = 1000
)

// EventLimit returns limit bounded to 1..MaxEventLimit, DefaultEventLimit
// for 0 or less.
func EventLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultEventLimit
	case limit > MaxEventLimit:
		return MaxEventLimit
	}
	return limit
}

// NewEvent returns the outbox event of audit event ev (Seq unset): its
// type is EventType(ev.Action).
func NewEvent(ev *AuditEvent) *Event {
	return &Event{
		ID:         ev.ID,
		TenantID:   ev.TenantID,
		Type:       EventType(ev.Action),
		Actor:      ev.Actor,
		TargetType: ev.TargetType,
		TargetID:   ev.TargetID,
		Data:       ev.Data,
		At:         ev.At,
	}
}

// TenantUpdatedEvent returns the outbox event of a platform's tenant.update
// audit event ev: its data names the fields that changed ({"changed":
// ["limits", "plan"]}), not their values, since settings and limits are
// for owners and admins while every member sees tenant events.
func TenantUpdatedEvent[V any](ev *AuditEvent, changes map[string]V) *Event {
	out := NewEvent(ev)
	names := make([]string, 0, len(changes))
	for k := range changes {
		names = append(names, k)
	}
	slices.Sort(names)
	out.Data, _ = json.Marshal(map[string][]string{"changed": names})
	return out
}
