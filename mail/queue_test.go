package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"testing"

	"github.com/tenantry/tenantry"
	"github.com/tenantry/tenantry/mail"
)

// recorder records the messages it is sent; with fail set it fails them.
type recorder struct {
	mu   sync.Mutex
	msgs []tenantry.Message
	fail bool
}

func (r *recorder) Send(_ context.Context, m tenantry.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	if r.fail {
		return errors.New("relay refused")
	}
	return nil
}

func TestLogSink(t *testing.T) {
	var buf bytes.Buffer
	l := mail.NewLog(slog.New(slog.NewJSONHandler(&buf, nil)))
	m := tenantry.Message{To: "ann@example.com", Subject: "Invitation", Text: "Open http://localhost:8080/invitations/inv_x"}
	if err := l.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	for k, want := range map[string]string{"level": "INFO", "to": m.To, "subject": m.Subject, "text": m.Text} {
		if got[k] != want {
			t.Errorf("log %s: got %v, want %q", k, got[k], want)
		}
	}
}

func TestQueueDeliversAndLogsFailures(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	rec := &recorder{}
	q := mail.NewQueue(rec, logger, 4)
	ctx := tenantry.NewContextWithRequestID(t.Context(), "req-1")
	for _, to := range []string{"a@example.com", "b@example.com"} {
		if err := q.Send(ctx, tenantry.Message{To: to, Subject: "s", Text: "t"}); err != nil {
			t.Fatalf("Send(%s): %v", to, err)
		}
	}
	if err := q.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if len(rec.msgs) != 2 || rec.msgs[0].To != "a@example.com" || rec.msgs[1].To != "b@example.com" {
		t.Errorf("delivered %+v, want a@ then b@", rec.msgs)
	}
	err := q.Send(ctx, tenantry.Message{To: "c@example.com"})
	if got := tenantry.ErrorCode(err); got != tenantry.EUNAVAILABLE {
		t.Errorf("Send after Close: got code %q, want %q", got, tenantry.EUNAVAILABLE)
	}

	failing := mail.NewQueue(&recorder{fail: true}, logger, 1)
	if err := failing.Send(ctx, tenantry.Message{To: "d@example.com", Subject: "s"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if err := failing.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"msg":"mail not sent"`)) || !bytes.Contains(buf.Bytes(), []byte(`"request_id":"req-1"`)) {
		t.Errorf("log %q: want a mail not sent error with the request id", buf.String())
	}
}

// TestQueueFull checks that a full queue refuses instead of blocking.
func TestQueueFull(t *testing.T) {
	block := make(chan struct{})
	started := make(chan struct{}, 1)
	slow := mailerFunc(func(ctx context.Context, m tenantry.Message) error {
		started <- struct{}{}
		<-block
		return nil
	})
	q := mail.NewQueue(slow, slog.New(slog.DiscardHandler), 1)
	defer func() { close(block); q.Close(context.Background()) }()
	mustSend := func(to string) error { return q.Send(t.Context(), tenantry.Message{To: to}) }
	if err := mustSend("1@example.com"); err != nil {
		t.Fatal(err)
	}
	<-started // the worker holds the first; the queue has room for one more
	if err := mustSend("2@example.com"); err != nil {
		t.Fatal(err)
	}
	if got := tenantry.ErrorCode(mustSend("3@example.com")); got != tenantry.EUNAVAILABLE {
		t.Errorf("Send to a full queue: got code %q, want %q", got, tenantry.EUNAVAILABLE)
	}
}

type mailerFunc func(ctx context.Context, m tenantry.Message) error

func (f mailerFunc) Send(ctx context.Context, m tenantry.Message) error { return f(ctx, m) }
