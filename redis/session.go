package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/tenantry/tenantry/ui"
)

var _ ui.SessionStore = (*SessionStore)(nil)

// SessionStore is a ui.SessionStore in Redis, so that every server process
// sharing the Redis sees the same browser sessions. A session is a JSON
// value under prefix+id whose time to live, the idle timeout, is renewed by
// every Save.
type SessionStore struct {
	client *goredis.Client
	prefix string
	idle   time.Duration
}

// NewSessionStore returns a session store on client whose keys start with
// prefix and whose sessions expire after idle without a Save
// (ui.DefaultIdleTimeout when idle <= 0).
func NewSessionStore(client *goredis.Client, prefix string, idle time.Duration) *SessionStore {
	if idle <= 0 {
		idle = ui.DefaultIdleTimeout
	}
	return &SessionStore{client: client, prefix: prefix, idle: idle}
}

// Get returns the session with id, or (nil, nil) when it is unknown or has
// expired.
func (s *SessionStore) Get(ctx context.Context, id string) (*ui.Session, error) {
	b, err := s.client.Get(ctx, s.prefix+id).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	var sess ui.Session
	if err := json.Unmarshal(b, &sess); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	return &sess, nil
}

// Save stores sess and renews its time to live.
func (s *SessionStore) Save(ctx context.Context, sess *ui.Session) error {
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	if err := s.client.Set(ctx, s.prefix+sess.ID, b, s.idle).Err(); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// Delete removes the session with id; deleting an unknown one is no error.
func (s *SessionStore) Delete(ctx context.Context, id string) error {
	if err := s.client.Del(ctx, s.prefix+id).Err(); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
