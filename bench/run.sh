#!/usr/bin/env bash
# bench/run.sh runs Tenantry's load benchmark end to end and writes
# docs/benchmarks.md: tenantry serve on SQLite and on PostgreSQL, seeded
# through the public API by bench/cmd/load and loaded by wrk
# (bench/wrk/tenantry.lua; Debian: apt-get install wrk); a noisy-neighbour
# run on each from separate client processes; pgbench on the same SELECT; a
# bare net/http process loaded by the same wrk command; and the 100 vs
# 10,000 tenant p50 comparison. Everything listens on 127.0.0.1 and every
# step is time-bounded.
#
#   bench/run.sh            everything (15–40 minutes on 2 shared cores)
#   bench/run.sh --quick    skip the 10,000-tenant comparison
#
# Environment: BENCH_DURATION (10s per endpoint, whole seconds: wrk -d),
# BENCH_CONCURRENCY (16 wrk connections, wrk -c; 2 threads, wrk -t),
# BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres, a superuser
# that may create databases), BENCH_PORT (28080), BENCH_SKIP_PG=1,
# BENCH_SKIP_LARGE=1, BENCH_OUT (docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."

TENANTS=100 USERS=2 PROJECTS=200
LARGE_TENANTS=10000 LARGE_PROJECTS=5
SKIP_LARGE=${BENCH_SKIP_LARGE:-}
if [[ "${1:-}" == "--quick" ]]; then SKIP_LARGE=1; fi
DURATION=${BENCH_DURATION:-10s}
CONC=${BENCH_CONCURRENCY:-16}
PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PORT=${BENCH_PORT:-28080}
OUT=${BENCH_OUT:-docs/benchmarks.md}
SEED_TIMEOUT=${BENCH_SEED_TIMEOUT:-900}
export TENANTRY_ADMIN_EMAIL=bench-admin@example.com
export TENANTRY_ADMIN_PASSWORD=bench-admin-password
export TENANTRY_LOG_LEVEL=${TENANTRY_LOG_LEVEL:-warn}

WORK=$(mktemp -d)
RESULTS="$WORK/results"; mkdir -p "$RESULTS"
SERVER_PID=""
PG_DBS=()
FAILED=()
cleanup() {
	if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
	for db in "${PG_DBS[@]}"; do psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

if ! command -v wrk >/dev/null 2>&1; then
	echo "bench/run.sh: wrk is not installed; the HTTP loops need it: apt-get install wrk" >&2
	exit 1
fi
if curl -fsS -m 1 "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
	echo "127.0.0.1:$PORT is already in use; set BENCH_PORT" >&2; exit 1
fi

echo "== build"
go build -o "$WORK/tenantry" ./cmd/tenantry
go build -o "$WORK/load" ./bench/cmd/load
{
	echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "go:       $(go version | cut -d' ' -f3-)"
	echo "cpu:      $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	echo "memory:   $(free -h | awk '/Mem:/ {print $2}')"
	echo "data set: $TENANTS tenants × $USERS users × $PROJECTS projects"
	echo "wrk:      $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-3); -t2 -c$CONC -d$DURATION per endpoint, bench/wrk/tenantry.lua"
	echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average at start; the machine is shared)"
} > "$RESULTS/env.txt"

# start_server NAME ARGS... starts tenantry serve and waits (60s at most)
# for /healthz.
start_server() {
	local name=$1; shift
	"$WORK/tenantry" serve --addr "127.0.0.1:$PORT" "$@" >"$WORK/$name.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 600); do
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
		if curl -fsS -m 1 "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then return 0; fi
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

# new_pg_db NAME sets NEW_DB_URL to a fresh, migrated PostgreSQL database.
new_pg_db() {
	local db="tenantry_bench_$$_$1"
	PG_DBS+=("$db")
	psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
	psql "$PG_URL" -qc "CREATE DATABASE $db" >/dev/null
	local url="${PG_URL%/*}/$db"
	timeout 120 "$WORK/tenantry" migrate --database-url "$url" >"$WORK/migrate-$1.log" 2>&1 || { cat "$WORK/migrate-$1.log" >&2; return 1; }
	NEW_DB_URL=$url
}

# load NAME ARGS... runs the load program against the running server: it
# seeds, writes the targets file $WORK/NAME.targets and runs wrk once per
# endpoint (or, with -noisy, its two -pace client processes). A failure is
# reported, leaves no result file and makes the script exit 1 at the end.
load() {
	local name=$1; shift
	timeout "$SEED_TIMEOUT" "$WORK/load" -base "http://127.0.0.1:$PORT" -label "$name" \
		-duration "$DURATION" -concurrency "$CONC" -server-pid "$SERVER_PID" \
		-wrk-script bench/wrk/tenantry.lua -targets "$WORK/$name.targets" "$@" >"$RESULTS/$name.json" \
		|| { echo "load $name failed" >&2; rm -f "$RESULTS/$name.json"; FAILED+=("$name"); }
}

# main NAME SERVER-ARGS...: the four endpoints on the main data set (rate
# limits lifted by the load program's default -limits), then the
# noisy-neighbour run on pro-plan tenants with the plan's own limits. The
# SQLite run also saves one real list page for the bare baseline to serve.
main_run() {
	local name=$1; shift
	echo "== $name: seed $TENANTS × $USERS × $PROJECTS and load with wrk"
	start_server "$name" "$@"
	load "$name" -tenants "$TENANTS" -users "$USERS" -projects "$PROJECTS" -page-out "$WORK/$name-list-page.json"
	echo "== $name: noisy neighbour (two load -pace processes)"
	load "$name-noisy" -noisy -plan pro -limits '{}'
	stop_server
}

# large_run NAME N SERVER-ARGS...: N tenants owned by one shared user, 5
# projects each, list and get only (the p50 comparison).
large_run() {
	local name=$1 n=$2; shift 2
	echo "== $name: seed $n tenants (shared user) × $LARGE_PROJECTS and load with wrk"
	start_server "$name" "$@"
	load "$name" -tenants "$n" -shared-user -projects "$LARGE_PROJECTS" -endpoints list,get -seed-concurrency 8
	stop_server
}

main_run sqlite --data "$WORK/sqlite-data"

if [[ "${BENCH_SKIP_PG:-}" != 1 ]]; then
	new_pg_db main; DB_URL=$NEW_DB_URL
	main_run postgres --database-url "$DB_URL"

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
SELECT id, tenant_id, name, description, is_active, created_at, updated_at FROM projects WHERE tenant_id = '$tid' ORDER BY id LIMIT 21;
COMMIT;
SQL
		SCRIPTS+=(-f "$f"); i=$((i + 1))
	done
	if (( i > 0 )); then
		secs=${DURATION%s}
		{ echo "loadavg before: $(cut -d' ' -f1 /proc/loadavg)"
		  timeout 600 pgbench -n -M prepared -c 8 -j 2 -T "$secs" "${SCRIPTS[@]}" "$DB_URL" 2>&1 || echo "pgbench failed" >&2
		  echo "loadavg after: $(cut -d' ' -f1 /proc/loadavg)"; } >"$RESULTS/pgbench.txt"
	fi
fi

echo "== bare net/http baseline (a separate process, the same wrk command as the list runs)"
# The same request lines as the SQLite list run (its targets file) and, as
# the body, the list page that run saved: like for like but for the work.
BARE=(-targets "$WORK/sqlite.targets" -bare-body "$WORK/sqlite-list-page.json")
if [[ ! -s "$WORK/sqlite.targets" || ! -s "$WORK/sqlite-list-page.json" ]]; then
	echo "no SQLite targets/page: the baseline uses synthetic ones" >&2
	BARE=()
fi
timeout 300 "$WORK/load" -baseline -duration "$DURATION" -concurrency "$CONC" \
	-wrk-script bench/wrk/tenantry.lua "${BARE[@]}" >"$RESULTS/baseline.json" \
	|| { echo "baseline failed" >&2; rm -f "$RESULTS/baseline.json"; FAILED+=(baseline); }

if [[ -z "$SKIP_LARGE" ]]; then
	large_run sqlite-t100 100 --data "$WORK/sqlite-t100"
	large_run sqlite-t10000 "$LARGE_TENANTS" --data "$WORK/sqlite-t10000"
	if [[ "${BENCH_SKIP_PG:-}" != 1 ]]; then
		new_pg_db t100; large_run postgres-t100 100 --database-url "$NEW_DB_URL"
		new_pg_db t10000; large_run postgres-t10000 "$LARGE_TENANTS" --database-url "$NEW_DB_URL"
	fi
fi

echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/env.txt"
mkdir -p "$(dirname "$OUT")"
"$WORK/load" -render "$RESULTS" >"$OUT"
KEEP="${TMPDIR:-/tmp}/tenantry-bench-results-$$"
cp -r "$RESULTS" "$KEEP"
echo "== wrote $OUT (raw results: $KEEP)"
if (( ${#FAILED[@]} > 0 )); then
	echo "bench/run.sh: these steps failed (see above; their rows say 'no result'): ${FAILED[*]}" >&2
	exit 1
fi
