#!/usr/bin/env bash
# bench/run.sh runs Tenantry's load benchmark end to end and writes
# docs/benchmarks.md: tenantry serve on SQLite and on PostgreSQL, seeded and
# loaded by bench/cmd/load; pgbench on the same SELECT; a bare net/http
# handler. Everything listens on 127.0.0.1 and every step is time-bounded.
#
#   bench/run.sh            100 tenants × 2 users × 200 projects
#   bench/run.sh --large    10,000 tenants × 2 users × 5 projects
#
# Environment: BENCH_DURATION (10s per endpoint), BENCH_CONCURRENCY (16),
# BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres, a superuser
# that may create databases), BENCH_PORT (18080), BENCH_SKIP_PG=1.
set -euo pipefail
cd "$(dirname "$0")/.."

TENANTS=100 USERS=2 PROJECTS=200
if [[ "${1:-}" == "--large" ]]; then TENANTS=10000 USERS=2 PROJECTS=5; fi
DURATION=${BENCH_DURATION:-10s}
CONC=${BENCH_CONCURRENCY:-16}
PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PORT=${BENCH_PORT:-18080}
SEED_TIMEOUT=${BENCH_SEED_TIMEOUT:-3600}
export TENANTRY_ADMIN_EMAIL=bench-admin@example.com
export TENANTRY_ADMIN_PASSWORD=bench-admin-password
export TENANTRY_LOG_LEVEL=warn

WORK=$(mktemp -d)
RESULTS="$WORK/results"; mkdir -p "$RESULTS"
SERVER_PID=""
PG_DB=""
cleanup() {
	if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
	if [[ -n "$PG_DB" ]]; then psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

echo "== build"
go build -o "$WORK/tenantry" ./cmd/tenantry
go build -o "$WORK/load" ./bench/cmd/load
{
	echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "go:       $(go version | cut -d' ' -f3-)"
	echo "cpu:      $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	echo "memory:   $(free -h | awk '/Mem:/ {print $2}')"
	echo "data set: $TENANTS tenants × $USERS users × $PROJECTS projects; $CONC clients; $DURATION per endpoint"
} > "$RESULTS/env.txt"

# start_server NAME ARGS... starts tenantry serve and waits (60s at most)
# for /healthz.
start_server() {
	local name=$1; shift
	"$WORK/tenantry" serve --addr "127.0.0.1:$PORT" "$@" >"$WORK/$name.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 600); do
		if curl -fsS -m 1 "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then return 0; fi
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
		sleep 0.1
	done
	echo "tenantry serve ($name) did not start:" >&2; tail -20 "$WORK/$name.log" >&2
	return 1
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}

# run_load NAME runs the seed and the loops against the running server.
run_load() {
	timeout "$SEED_TIMEOUT" "$WORK/load" -base "http://127.0.0.1:$PORT" -label "$1" \
		-tenants "$TENANTS" -users "$USERS" -projects "$PROJECTS" \
		-duration "$DURATION" -concurrency "$CONC" >"$RESULTS/$1.json"
}

echo "== SQLite"
start_server sqlite --data "$WORK/sqlite-data"
run_load sqlite || echo "SQLite load failed" >&2
stop_server

if [[ "${BENCH_SKIP_PG:-}" != 1 ]]; then
	echo "== PostgreSQL"
	PG_DB="tenantry_bench_$$"
	psql "$PG_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
	DB_URL="${PG_URL%/*}/$PG_DB"
	"$WORK/tenantry" migrate --database-url "$DB_URL" >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; exit 1; }
	start_server postgres --database-url "$DB_URL"
	run_load postgres || echo "PostgreSQL load failed" >&2
	stop_server

	echo "== pgbench (same SELECT as GET /api/projects?limit=20)"
	# One script per seeded tenant (up to 10); pgbench picks one at random per
	# transaction. SET cannot take parameters, so the tenant is a literal.
	SCRIPTS=()
	i=0
	for tid in $(psql "$DB_URL" -Atc "SELECT DISTINCT tenant_id FROM projects LIMIT 10"); do
		f="$WORK/pgbench-$i.sql"
		cat >"$f" <<SQL
BEGIN;
SET LOCAL ROLE tenantry_app;
SET LOCAL app.tenant_id = '$tid';
SELECT tenant_id, id, name, description, is_active, created_at, updated_at FROM projects WHERE tenant_id = '$tid' ORDER BY id LIMIT 21;
COMMIT;
SQL
		SCRIPTS+=(-f "$f"); i=$((i + 1))
	done
	if (( i > 0 )); then
		secs=${DURATION%s}
		timeout 600 pgbench -n -M prepared -c 8 -j 2 -T "$secs" "${SCRIPTS[@]}" "$DB_URL" >"$RESULTS/pgbench.txt" 2>&1 || echo "pgbench failed" >&2
	fi
fi

echo "== bare net/http baseline"
"$WORK/load" -baseline -duration "$DURATION" -concurrency "$CONC" >"$RESULTS/baseline.json"

mkdir -p docs
"$WORK/load" -render "$RESULTS" > docs/benchmarks.md
cp -r "$RESULTS" "$WORK/../tenantry-bench-results-$$" 2>/dev/null || true
echo "== wrote docs/benchmarks.md (raw results: $WORK/../tenantry-bench-results-$$)"
