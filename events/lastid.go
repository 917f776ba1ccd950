package events

import (
	"strconv"

	"github.com/tenantry/tenantry"
)

// ParseLastEventID parses the seq a client resumes after: the
// Last-Event-ID header of a reconnecting EventSource, or the after query
// parameter. It is a decimal number from 0 to 2^63-1, digits only; ""
// is 0, the start of the outbox.
func ParseLastEventID(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	bad := tenantry.Invalid(map[string]string{"last_event_id": "must be the id (seq) of an event: a whole number from 0"})
	if len(s) > 19 {
		return 0, bad
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, bad
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, bad
	}
	return n, nil
}
