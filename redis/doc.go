// Package redis holds the Redis-backed state that several server processes
// share: the tenantry rate limiter (GCRA through redis_rate, with a local
// fallback while Redis is away), the cache invalidation bus (pub/sub) and
// the web UI's browser-session store (tenantry.BrowserSessionStore). It
// imports go-redis as goredis.
package redis
