// Package redis holds the Redis-backed implementations of the tenantry rate
// limiter and invalidation bus, which share limits and cache invalidations
// across several server processes. It imports go-redis as goredis.
package redis
