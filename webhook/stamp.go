package webhook

import (
	"database/sql"
	"time"
)

// stampFormat writes times as RFC 3339 in UTC with microseconds and a
// fixed width, so that stored times compare as text in time order, on
// SQLite and PostgreSQL alike.
const stampFormat = "2006-01-02T15:04:05.000000Z07:00"

// stamp returns t as stored.
func stamp(t time.Time) string { return t.UTC().Format(stampFormat) }

// parseStamp reads a stored time; a malformed one reads as the zero time.
func parseStamp(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// stampPtr reads a nullable stored time.
func stampPtr(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseStamp(s.String)
	return &t
}
