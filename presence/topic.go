package presence

import (
	"strings"

	"github.com/tenantry/tenantry"
)

// MaxTopicLength bounds a topic's length.
const MaxTopicLength = 100

// ParseTopic checks a topic a client names (the topic query parameter of
// GET /api/events): a resource, lower-case letters and underscores
// ("projects"), optionally followed by a colon and the id of one record, a
// UUID ("project:0190..."), which comes back in its canonical form. An
// empty topic is "" with no error: no presence.
func ParseTopic(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if len(s) > MaxTopicLength {
		return "", topicError()
	}
	res, id, hasID := strings.Cut(s, ":")
	if res == "" || len(res) > 40 {
		return "", topicError()
	}
	for i := 0; i < len(res); i++ {
		if c := res[i]; !(c >= 'a' && c <= 'z' || c == '_') {
			return "", topicError()
		}
	}
	if !hasID {
		return res, nil
	}
	id, ok := tenantry.ParseID(id)
	if !ok {
		return "", topicError()
	}
	return res + ":" + id, nil
}

// topicError is the validation_failed of a topic that does not parse.
func topicError() error {
	return tenantry.Invalid(map[string]string{"topic": `must be a resource ("projects") or a resource and a record id ("project:<uuid>")`})
}
