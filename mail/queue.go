package mail

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tenantry/tenantry"
)

// DefaultQueueSize is how many messages a Queue holds before it refuses
// more.
const DefaultQueueSize = 256

// Queue sends messages through another Mailer in the background, one at a
// time, so that requests never wait for the mail server (and a reset
// request for a known address takes as long as one for an unknown
// address). Failures are logged.
type Queue struct {
	next    tenantry.Mailer
	logger  *slog.Logger
	timeout time.Duration
	ch      chan queued
	done    chan struct{}

	mu     sync.Mutex
	closed bool
}

// queued is a message waiting in a Queue, with the request id it came
// from.
type queued struct {
	msg       tenantry.Message
	requestID string
}

var _ tenantry.Mailer = (*Queue)(nil)

// NewQueue starts a Queue in front of next holding up to size messages
// (DefaultQueueSize when size <= 0). Call Close to stop it.
func NewQueue(next tenantry.Mailer, logger *slog.Logger, size int) *Queue {
	if size <= 0 {
		size = DefaultQueueSize
	}
	q := &Queue{next: next, logger: logger, timeout: 2 * DefaultTimeout, ch: make(chan queued, size), done: make(chan struct{})}
	go q.run()
	return q
}

// Send queues m. It fails with unavailable when the queue is full or
// closed.
func (q *Queue) Send(ctx context.Context, m tenantry.Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return tenantry.Errorf(tenantry.EUNAVAILABLE, "The mail queue is closed.")
	}
	select {
	case q.ch <- queued{msg: m, requestID: tenantry.RequestIDFromContext(ctx)}:
		return nil
	default:
		return tenantry.Errorf(tenantry.EUNAVAILABLE, "Too much mail is waiting to be sent; try again later.")
	}
}

// run sends the queued messages until the queue is closed and drained.
func (q *Queue) run() {
	defer close(q.done)
	for m := range q.ch {
		ctx := tenantry.NewContextWithRequestID(context.Background(), m.requestID)
		ctx, cancel := context.WithTimeout(ctx, q.timeout)
		if err := q.next.Send(ctx, m.msg); err != nil {
			q.logger.LogAttrs(ctx, slog.LevelError, "mail not sent", slog.String("to", m.msg.To),
				slog.String("subject", m.msg.Subject), slog.String("request_id", m.requestID), slog.String("error", err.Error()))
		}
		cancel()
	}
}

// Close stops taking messages and waits until the queued ones are sent or
// ctx is done.
func (q *Queue) Close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.ch)
	}
	q.mu.Unlock()
	select {
	case <-q.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
