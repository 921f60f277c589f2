#!/usr/bin/env bash
# Latency of the catalog endpoints over 100,000 module versions (10,000 modules x 10 versions,
# inserted with generate_series straight into module_version and catalog_module, plus 30 days of pull counts per
# module in module_pull_day): /index, /catalog and /api/modules (search and one module page),
# as an admin with Basic credentials, filtered by a deny rule that hides 1% of the modules.
# Prints median / p95 / max of N calls each, end to end through HTTP on loopback.
# Target: /index and /api/modules p95 < 100 ms.
# A benchmark, not a test: it exits 0 once it has measured, whatever the numbers.
# Run: bash bench/catalog.sh   (about 1 minute; BENCH_CALLS=N calls per endpoint, default 50;
#   BENCH_VERSIONS=N versions, default 100000; BENCH_SKIP_BUILD=1 uses the existing dist)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=bench
. "$BENCH_DIR/lib.sh"
. "$BENCH_DIR/audit-lib.sh"

CALLS=${BENCH_CALLS:-50}
VERSIONS=${BENCH_VERSIONS:-100000}
MAIN=dist/apps/modgate/src/main.js
PASSWORD=bench-catalog-admin-password

bench_require_commands curl=curl node=nodejs psql=postgresql-client initdb=postgresql

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-bench-catalog.XXXXXX")
MODGATE_PID=''

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ] && [ -s "$BENCH_TMP/modgate.log" ]; then
    echo "bench: last 20 lines of modgate.log:" >&2
    tail -n 20 "$BENCH_TMP/modgate.log" >&2
  fi
  bench_stop_process "$MODGATE_PID"
  bench_pg_stop "$BENCH_TMP/pg"
  rm -rf "$BENCH_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  bench_log "building (npm run build)"
  npm run build >"$BENCH_TMP/build.log" 2>&1 || { tail -n 30 "$BENCH_TMP/build.log" >&2; bench_die "npm run build failed"; }
else
  [ -f "$MAIN" ] || bench_die "BENCH_SKIP_BUILD=1 but $MAIN does not exist"
fi

PG_PORT=$(bench_free_port)
bench_log "starting a throwaway Postgres on 127.0.0.1:$PG_PORT"
bench_pg_start "$BENCH_TMP/pg" "$PG_PORT"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE modgate' || bench_die "CREATE DATABASE failed"

cat >"$BENCH_TMP/modgate.yaml" <<'YAML'
policies:
  deny:
    - name: bench
      rules:
        - { module: bench.example/m000*, reason: hidden from the catalog }
YAML
PORT=$(bench_free_port)
mkdir -p "$BENCH_TMP/home"
env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC NO_COLOR=1 \
  MODGATE_LISTEN="127.0.0.1:$PORT" \
  MODGATE_DATA_DIR="$BENCH_TMP/data" \
  DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/modgate" \
  MODGATE_CONFIG="$BENCH_TMP/modgate.yaml" \
  MODGATE_UPSTREAM=off MODGATE_SUMDB=off MODGATE_LOG_LEVEL=warn \
  MODGATE_INITIAL_ADMIN_PASSWORD="$PASSWORD" \
  node "$MAIN" >"$BENCH_TMP/modgate.log" 2>&1 &
MODGATE_PID=$!
bench_wait_http "http://127.0.0.1:$PORT/healthz" 60 "$MODGATE_PID" || bench_die "modgate did not start"

MODULES=$((VERSIONS / 10))
bench_log "inserting $VERSIONS versions of $MODULES modules and 30 days of pull counts (then VACUUM ANALYZE)"
GEN_START=$SECONDS
"${PSQL[@]}" -d modgate >"$BENCH_TMP/generate.log" 2>&1 <<SQL || { cat "$BENCH_TMP/generate.log" >&2; bench_die "seeding failed"; }
INSERT INTO module_version (module_path, version, source, first_fetched_at, size, h1, pulls, last_pulled_at)
SELECT 'bench.example/m' || lpad((s / 10)::text, 5, '0'), 'v1.' || (s % 10) || '.0', 'upstream',
       now() - interval '400 days' + s * interval '5 minutes', 10000 + s % 5000,
       'h1:' || md5(s::text) || '=', s % 97, now() - (s % 30) * interval '1 day'
FROM generate_series(0, $VERSIONS - 1) AS s;
INSERT INTO catalog_module (module_path) SELECT DISTINCT module_path FROM module_version;
INSERT INTO module_pull_day (module_path, day, pulls, requests)
SELECT 'bench.example/m' || lpad(m::text, 5, '0'), current_date - d, (m + d) % 13, (m + d) % 29
FROM generate_series(0, $MODULES - 1) AS m, generate_series(0, 29) AS d;
VACUUM ANALYZE module_version;
VACUUM ANALYZE catalog_module;
VACUUM ANALYZE module_pull_day;
SQL
GEN_SECS=$((SECONDS - GEN_START))
COUNT=$("${PSQL[@]}" -d modgate -At -c 'SELECT count(*) FROM module_version')
MIDDLE=$("${PSQL[@]}" -d modgate -At -c "SELECT to_char(first_fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM module_version ORDER BY first_fetched_at OFFSET $((VERSIONS / 2)) LIMIT 1")
URL="http://admin:$PASSWORD@127.0.0.1:$PORT"
ONE_MODULE=bench.example/m$(printf '%05d' $((MODULES / 2 + 21)))

declare -a NAMES=(
  "/index (2000 versions, from the start)"
  "/index?since=<the middle>"
  "/catalog?pagesize=1000"
  "/api/modules (first 50 modules)"
  "/api/modules?q=<path prefix> (10 modules)"
  "/api/modules?q=<a word> (a scan of every module path)"
  "/api/modules/<path> (10 versions, 30 days of pulls)"
)
declare -a PATHS=(
  "/index"
  "/index?since=$MIDDLE"
  "/catalog?pagesize=1000"
  "/api/modules"
  "/api/modules?q=bench.example/m0123"
  "/api/modules?q=m04321"
  "/api/modules/$ONE_MODULE"
)
RESULTS=()
for i in "${!PATHS[@]}"; do
  bench_log "timing GET ${PATHS[$i]}"
  RESULTS+=("$(audit_time_get "$URL${PATHS[$i]}" "$CALLS")")
done
INDEX_LINES=$(curl -fsS "$URL/index" | wc -l)
CATALOG_FIRST=$(curl -fsS "$URL/catalog?pagesize=3" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).modules[0].module))')

echo
echo "modgate catalog bench: $COUNT module versions ($MODULES modules; seeded in ${GEN_SECS}s), real Postgres, HTTP on loopback, $(nproc) cores shared"
echo "$CALLS calls each after one warm-up, as admin (Basic), a deny rule hiding bench.example/m000* (1% of modules):"
printf '  %-55s %8s %8s %8s\n' 'request' 'median' 'p95' 'max (ms)'
for i in "${!NAMES[@]}"; do
  read -r MED P95 MAX <<<"${RESULTS[$i]}"
  printf '  %-55s %8s %8s %8s\n' "${NAMES[$i]}" "$MED" "$P95" "$MAX"
done
echo "  checks: /index answered $INDEX_LINES lines; the catalog starts at $CATALOG_FIRST (the denied m000* modules skipped)"
for i in 0 1 3 4 5 6; do
  read -r _ P95 _ <<<"${RESULTS[$i]}"
  awk -v p="$P95" 'BEGIN { exit !(p >= 100) }' && echo "  target p95 < 100 ms NOT met: ${NAMES[$i]}"
done
echo "  target: /index and /api/modules p95 < 100 ms"
