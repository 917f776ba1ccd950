package presence

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Redis is a Store in Redis, shared by every server process on it. Each
// topic of a tenant is a sorted set of conns scored by their expiry (in
// Redis's own clock, milliseconds) and a hash of conn to entry, under
// prefix + "{" + tenant id + "}:" + topic (the braces keep a tenant's keys
// on one cluster slot). Both keys expire a little after their last entry,
// so a topic nobody refreshes leaves nothing behind.
type Redis struct {
	client *goredis.Client
	prefix string
}

var _ Store = (*Redis)(nil)

// NewRedis returns a Redis store whose keys start with prefix (for
// example "tenantry:presence:").
func NewRedis(client *goredis.Client, prefix string) *Redis {
	return &Redis{client: client, prefix: prefix}
}

// keys returns the sorted set's and the hash's keys of topic of tenant.
func (r *Redis) keys(tenantID, topic string) []string {
	k := r.prefix + "{" + tenantID + "}:" + topic
	return []string{k, k + ":entries"}
}

// dropExpired begins both scripts: it drops the entries whose time is up
// from the set (KEYS[1]) and the hash (KEYS[2]), by Redis's clock, and
// leaves that clock in now (milliseconds).
const dropExpired = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
if #gone > 0 then
	redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
	redis.call('HDEL', KEYS[2], unpack(gone))
end
`

// joinScript drops the expired entries, refuses a new conn over the
// limit, and adds or refreshes the entry: KEYS set, hash; ARGV conn,
// entry JSON, ttl ms, max (-1: none). It returns 1 when joined.
const joinScript = dropExpired + `
local max = tonumber(ARGV[4])
if max >= 0 and not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= max then
	return 0
end
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
redis.call('PEXPIRE', KEYS[2], ttl * 2)
return 1
`

// listScript drops the expired entries and returns the live ones' JSON:
// KEYS set, hash.
const listScript = dropExpired + `
local conns = redis.call('ZRANGE', KEYS[1], 0, -1)
if #conns == 0 then
	return {}
end
return redis.call('HMGET', KEYS[2], unpack(conns))
`

// Join adds or refreshes e on topic of tenant.
func (r *Redis) Join(ctx context.Context, tenantID, topic string, e Entry, ttl time.Duration, limit int64) (bool, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return false, fmt.Errorf("presence: encode entry: %w", err)
	}
	n, err := r.client.Eval(ctx, joinScript, r.keys(tenantID, topic), e.Conn, string(data),
		max(ttl.Milliseconds(), 1), limit).Int64()
	if err != nil {
		return false, fmt.Errorf("presence: join: %w", err)
	}
	return n == 1, nil
}

// Leave removes conn's entry.
func (r *Redis) Leave(ctx context.Context, tenantID, topic, conn string) error {
	k := r.keys(tenantID, topic)
	_, err := r.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.ZRem(ctx, k[0], conn)
		p.HDel(ctx, k[1], conn)
		return nil
	})
	if err != nil {
		return fmt.Errorf("presence: leave: %w", err)
	}
	return nil
}

// List returns the live entries, ordered by conn.
func (r *Redis) List(ctx context.Context, tenantID, topic string) ([]Entry, error) {
	vals, err := r.client.Eval(ctx, listScript, r.keys(tenantID, topic)).Slice()
	if err != nil {
		return nil, fmt.Errorf("presence: list: %w", err)
	}
	out := []Entry{}
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue // an entry whose hash field expired first
		}
		var e Entry
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			return nil, fmt.Errorf("presence: decode entry: %w", err)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Conn, b.Conn) })
	return out, nil
}
