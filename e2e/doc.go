// Package e2e holds end-to-end tests of several tenantry server processes
// sharing one PostgreSQL database and one Redis: revocations reach every
// process within a second (with Redis, and without it through the
// database's invalidations table, from another server or from the
// tenantry CLI), a tenant's rate limit is shared across processes, and a
// process keeps answering (from its local fallback limiter) while Redis is
// gone and returns to Redis when it is back.
//
// TestMain builds ./cmd/tenantry once (without the race detector) unless
// TENANTRY_E2E_BINARY already names a built binary. The tests skip like
// the rest of the PostgreSQL and Redis suites: without
// TENANTRY_TEST_DATABASE_URL (unless TENANTRY_TEST_REQUIRE_POSTGRES=1) and
// without TENANTRY_TEST_REDIS_URL (unless TENANTRY_TEST_REQUIRE_REDIS=1).
// The outage test starts a redis-server of its own and skips when none is
// installed, unless TENANTRY_TEST_REQUIRE_REDIS=1.
//
// The tests run serially: they start several processes each, on a
// machine whose cores are shared.
package e2e
