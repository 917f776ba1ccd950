package presence

import (
	"context"
	"time"
)

// Entry is one stream on a topic.
type Entry struct {
	// Conn identifies the stream; it is unique per connection, so a user
	// with two tabs open holds two entries.
	Conn string `json:"conn"`
	// UserID, Name and Email say who it is, as the pages show members; an
	// API key's stream has its key's id as UserID and name.
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email,omitempty"`
}

// Store holds the entries of every tenant's topics.
type Store interface {
	// Join adds e to topic of tenant, or refreshes it when e.Conn is
	// there already, until ttl from now. A new entry is refused (false)
	// when the topic holds limit live entries already; limit < 0 is no limit.
	Join(ctx context.Context, tenantID, topic string, e Entry, ttl time.Duration, limit int64) (bool, error)
	// Leave removes conn's entry from topic of tenant.
	Leave(ctx context.Context, tenantID, topic, conn string) error
	// List returns the live entries of topic of tenant, ordered by
	// conn.
	List(ctx context.Context, tenantID, topic string) ([]Entry, error)
}

// StreamsTopic is the topic every event stream of a tenant joins, so that
// its entries count the tenant's open streams (max_event_streams). It is
// not a topic a client can name (ParseTopic refuses it).
const StreamsTopic = "~streams"

// Others returns the entries of es without those of user self, one per
// user (the first of each), in the order of es: who else is on the topic.
func Others(es []Entry, self string) []Entry {
	out := []Entry{}
	seen := map[string]bool{self: true}
	for _, e := range es {
		if seen[e.UserID] {
			continue
		}
		seen[e.UserID] = true
		out = append(out, e)
	}
	return out
}
