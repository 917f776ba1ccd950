package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/tenantry/tenantry"
)

var _ tenantry.BrowserSessionStore = (*SessionStore)(nil)

// SessionStore is a tenantry.BrowserSessionStore in Redis, so that every
// server process sharing the Redis sees the same browser sessions. A
// session is a JSON value under prefix+id that expires at its LastSeen plus
// the idle timeout (a Save with a later LastSeen renews it). The sessions of
// one user are also members of the sorted set prefix+"user:"+userID, scored
// by LastSeen, which keeps them to tenantry.MaxBrowserSessionsPerUser. The
// value holds the refresh token's hash, never the token.
type SessionStore struct {
	client *goredis.Client
	prefix string
	idle   time.Duration
}

// NewSessionStore returns a session store on client whose keys start with
// prefix and whose sessions expire after idle without use
// (tenantry.BrowserSessionIdle when idle <= 0).
func NewSessionStore(client *goredis.Client, prefix string, idle time.Duration) *SessionStore {
	if idle <= 0 {
		idle = tenantry.BrowserSessionIdle
	}
	return &SessionStore{client: client, prefix: prefix, idle: idle}
}

// userKey is the sorted set of the sessions of userID. Session ids are
// base64url and never contain ':'.
func (s *SessionStore) userKey(userID string) string { return s.prefix + "user:" + userID }

// Get returns the session with id, or (nil, nil) when it is unknown or has
// expired.
func (s *SessionStore) Get(ctx context.Context, id string) (*tenantry.BrowserSession, error) {
	b, err := s.client.Get(ctx, s.prefix+id).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	var sess tenantry.BrowserSession
	if err := json.Unmarshal(b, &sess); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	return &sess, nil
}

// Save stores sess until its LastSeen plus the idle timeout, and drops the
// least recently seen sessions of its user beyond
// tenantry.MaxBrowserSessionsPerUser.
func (s *SessionStore) Save(ctx context.Context, sess *tenantry.BrowserSession) error {
	now := time.Now()
	ttl := sess.LastSeen.Add(s.idle).Sub(now)
	if ttl <= 0 {
		return s.Delete(ctx, sess.ID)
	}
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	var extra *goredis.StringSliceCmd
	_, err = s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Set(ctx, s.prefix+sess.ID, b, ttl)
		if sess.UserID == "" {
			return nil
		}
		uk := s.userKey(sess.UserID)
		p.ZAdd(ctx, uk, goredis.Z{Score: float64(sess.LastSeen.UnixMilli()), Member: sess.ID})
		p.ZRemRangeByScore(ctx, uk, "-inf", "("+strconv.FormatInt(now.Add(-s.idle).UnixMilli(), 10))
		p.PExpire(ctx, uk, s.idle)
		// All but the MaxBrowserSessionsPerUser most recently seen.
		extra = p.ZRange(ctx, uk, 0, int64(-tenantry.MaxBrowserSessionsPerUser-1))
		return nil
	})
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	if extra == nil || len(extra.Val()) == 0 {
		return nil
	}
	ids := extra.Val()
	keys := make([]string, len(ids))
	members := make([]any, len(ids))
	for i, id := range ids {
		keys[i], members[i] = s.prefix+id, id
	}
	_, err = s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, keys...)
		p.ZRem(ctx, s.userKey(sess.UserID), members...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("drop a user's oldest sessions: %w", err)
	}
	return nil
}

// Delete removes the session with id; deleting an unknown one is no error.
func (s *SessionStore) Delete(ctx context.Context, id string) error {
	sess, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, s.prefix+id)
		if sess != nil && sess.UserID != "" {
			p.ZRem(ctx, s.userKey(sess.UserID), id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// handoverKey is the handover with hash, handoversKey the set of the
// pending handovers of userID.
func (s *SessionStore) handoverKey(hash string) string { return s.prefix + "handover:" + hash }

func (s *SessionStore) handoversKey(userID string) string {
	return s.prefix + "handovers:" + userID
}

// deleteUserScript deletes the sessions in the sorted set KEYS[1] (keys
// ARGV[1]..id), the handovers in the set KEYS[2] (keys ARGV[2]..hash) and
// both sets, atomically: a session saved meanwhile is either deleted too
// or saved after.
const deleteUserScript = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do
	redis.call('DEL', ARGV[1] .. id)
end
for _, hash in ipairs(redis.call('SMEMBERS', KEYS[2])) do
	redis.call('DEL', ARGV[2] .. hash)
end
redis.call('DEL', KEYS[1], KEYS[2])
return #ids
`

// DeleteUser removes every session and pending handover of userID.
func (s *SessionStore) DeleteUser(ctx context.Context, userID string) error {
	keys := []string{s.userKey(userID), s.handoversKey(userID)}
	if err := s.client.Eval(ctx, deleteUserScript, keys, s.prefix, s.handoverKey("")).Err(); err != nil {
		return fmt.Errorf("delete a user's sessions: %w", err)
	}
	return nil
}

// SaveHandover stores h as JSON until its ExpiresAt, and its hash in the
// set of its user's pending handovers, which lives as long as the newest.
func (s *SessionStore) SaveHandover(ctx context.Context, h *tenantry.BrowserHandover) error {
	ttl := time.Until(h.ExpiresAt)
	if ttl <= 0 {
		return nil
	}
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encode handover: %w", err)
	}
	_, err = s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Set(ctx, s.handoverKey(h.Hash), b, ttl)
		p.SAdd(ctx, s.handoversKey(h.UserID), h.Hash)
		p.Expire(ctx, s.handoversKey(h.UserID), ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save handover: %w", err)
	}
	return nil
}

// TakeHandover deletes the handover with hash and returns it, or
// (nil, nil) when it is unknown, taken or expired. GET and DEL run in one
// transaction, so that of concurrent callers only one gets it.
func (s *SessionStore) TakeHandover(ctx context.Context, hash string) (*tenantry.BrowserHandover, error) {
	var get *goredis.StringCmd
	_, err := s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		get = p.Get(ctx, s.handoverKey(hash))
		p.Del(ctx, s.handoverKey(hash))
		return nil
	})
	if errors.Is(err, goredis.Nil) || (err == nil && errors.Is(get.Err(), goredis.Nil)) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("take handover: %w", err)
	}
	b, err := get.Bytes()
	if err != nil {
		return nil, fmt.Errorf("take handover: %w", err)
	}
	var h tenantry.BrowserHandover
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("decode handover: %w", err)
	}
	if !time.Now().Before(h.ExpiresAt) {
		return nil, nil
	}
	// The set of the user's pending handovers may keep the hash until it
	// expires; DeleteUser deleting an absent key is harmless.
	return &h, nil
}
