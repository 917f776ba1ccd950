// Package inmem holds single-process implementations of the tenantry rate
// limiter, invalidation bus and browser-session store. They need no
// external service: they are the defaults of a server without REDIS_URL
// (browser sessions then live in the database) and the fallback of the
// Redis ones.
package inmem
