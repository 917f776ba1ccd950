// Package inmem holds single-process implementations of the tenantry rate
// limiter and invalidation bus. They need no external service: they are the
// defaults of a server without REDIS_URL and the fallback of the Redis ones.
package inmem
