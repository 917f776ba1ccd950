package tenantry

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AuditActor is who performed an audited change.
type AuditActor struct {
	Type ActorType `json:"type"`
	ID   string    `json:"id"`
}

// AuditEvent records one change: who, in which tenant, what, to what, when,
// and in which request. Storage writes it in the change's own transaction.
type AuditEvent struct {
	ID         string          `json:"id"`
	TenantID   string          `json:"tenant_id"`
	Actor      AuditActor      `json:"actor"`
	Action     string          `json:"action"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	At         time.Time       `json:"at"`
	RequestID  string          `json:"request_id"`
	Data       json.RawMessage `json:"data,omitempty"`
}

// NewAuditEvent returns an event for action on target, with the actor and
// request id taken from ctx.
func NewAuditEvent(ctx context.Context, tenantID, action, targetType, targetID string) *AuditEvent {
	typ, id := IdentityFromContext(ctx).Actor()
	return &AuditEvent{
		ID:         NewID(),
		TenantID:   tenantID,
		Actor:      AuditActor{Type: typ, ID: id},
		Action:     action,
		TargetType: targetType,
		TargetID:   targetID,
		At:         time.Now().UTC(),
		RequestID:  RequestIDFromContext(ctx),
	}
}

// NewAuditEventData is NewAuditEvent with data, a value that encodes as
// a JSON object (nil: none), saying what changed: the one place both
// backends and the tenant transaction encode it.
func NewAuditEventData(ctx context.Context, tenantID, action, targetType, targetID string, data any) (*AuditEvent, error) {
	e := NewAuditEvent(ctx, tenantID, action, targetType, targetID)
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return nil, fmt.Errorf("encode audit data: %w", err)
		}
		e.Data = b
	}
	return e, nil
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	// TenantID filters the platform trail; ignored by a TenantStore.
	TenantID string
	Action   string
	Page
}

// AuditStore reads the audit trail of one tenant.
type AuditStore interface {
	// AuditEvents lists the tenant's events, newest first.
	AuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, string, error)
}
