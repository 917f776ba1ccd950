package mail

import (
	"context"
	"log/slog"

	"github.com/tenantry/tenantry"
)

// Log is the default Mailer: it writes each message, links included, to
// the structured log at INFO instead of sending it. It never fails.
type Log struct {
	logger *slog.Logger
}

var _ tenantry.Mailer = (*Log)(nil)

// NewLog returns a Log sink writing to logger.
func NewLog(logger *slog.Logger) *Log { return &Log{logger: logger} }

// Send logs m.
func (l *Log) Send(ctx context.Context, m tenantry.Message) error {
	l.logger.LogAttrs(ctx, slog.LevelInfo, "mail (log sink; configure --smtp-url to send it)",
		slog.String("to", m.To), slog.String("subject", m.Subject), slog.String("text", m.Text))
	return nil
}
