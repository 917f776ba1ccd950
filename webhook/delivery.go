package webhook

import (
	"database/sql"
	"net/http"
	"time"

	"github.com/tenantry/tenantry"
	api "github.com/tenantry/tenantry/http"
)

// Delivery statuses of one attempt.
const (
	// StatusPending is an attempt not yet made: due at NextAttemptAt.
	StatusPending = "pending"
	// StatusSucceeded is an attempt answered 2xx.
	StatusSucceeded = "succeeded"
	// StatusFailed is an attempt that failed: another follows at
	// NextAttemptAt, or none when NextAttemptAt is null.
	StatusFailed = "failed"
	// StatusCancelled is an attempt dropped because its endpoint was
	// disabled.
	StatusCancelled = "cancelled"
)

// Delivery is one attempt to deliver one event to one endpoint, as
// GET /api/webhooks/{id}/deliveries shows it. The attempts of one event
// share MessageID, the webhook-id header.
type Delivery struct {
	ID        string `json:"id"`
	MessageID string `json:"message_id"`
	EventID   string `json:"event_id"`
	EventType string `json:"event_type"`
	EventSeq  int64  `json:"event_seq"`
	Attempt   int    `json:"attempt"`
	Status    string `json:"status"`
	// StatusCode is the endpoint's HTTP status, null when it did not
	// answer.
	StatusCode *int `json:"status_code"`
	// Error says why the attempt failed, in words that name no internals.
	Error         string     `json:"error,omitempty"`
	DurationMS    *int64     `json:"duration_ms"`
	AttemptedAt   *time.Time `json:"attempted_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

const deliveryColumns = `id, message_id, event_id, event_type, event_seq, attempt, status, status_code, error, duration_ms, attempted_at, next_attempt_at, created_at`

// scanDelivery reads one row of deliveryColumns.
func scanDelivery(row tenantry.Row, d *Delivery) error {
	var code, ms sql.NullInt64
	var errText, attempted, next sql.NullString
	var created string
	if err := row.Scan(&d.ID, &d.MessageID, &d.EventID, &d.EventType, &d.EventSeq, &d.Attempt, &d.Status, &code, &errText, &ms, &attempted, &next, &created); err != nil {
		return err
	}
	if code.Valid {
		c := int(code.Int64)
		d.StatusCode = &c
	}
	if ms.Valid {
		d.DurationMS = &ms.Int64
	}
	d.Error, d.AttemptedAt, d.NextAttemptAt, d.CreatedAt = errText.String, stampPtr(attempted), stampPtr(next), parseStamp(created)
	return nil
}

// deliveries lists an endpoint's attempts, newest first.
func (s *Service) deliveries(w http.ResponseWriter, r *http.Request, c api.Call) error {
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	limit, before, err := pageOf(r, "ffffffff-ffff-ffff-ffff-ffffffffffff") // after every id, on both backends
	if err != nil {
		return err
	}
	q := listQuery{
		check: func(tx tenantry.Tx) error { _, err := loadWebhook(r, tx, id); return err },
		query: `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE tenant_id = $1 AND webhook_id = $2 AND id < $3 ORDER BY id DESC LIMIT $4`,
		args:  []any{c.Store.ID(), id, before},
	}
	return writePage(w, r, c, limit, q, scanDelivery, func(d Delivery) string { return d.ID })
}
