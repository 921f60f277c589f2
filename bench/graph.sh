#!/usr/bin/env bash
# The go command's `go mod download` of a generated ~150-module graph with an empty module cache,
# through nginx serving the GOPROXY tree over HTTPS and through modgate over HTTPS with the defaults
# a company runs (auth on: a token in .netrc; audit on), cold (modgate filling from that tree served
# by nginx as its upstream) and warm. Rounds alternate the servers; every round starts a fresh
# modgate (empty cache and database) and prints wall seconds and the ratios to nginx of that round.
#
# A benchmark, not a test: it always exits 0 once it has measured, whatever the numbers.
# Run: bash bench/graph.sh   (BENCH_ROUNDS=N, default 3; BENCH_MODULES=N, default 150;
#   BENCH_GRAPH_DB=postgres for a local Postgres instead of the embedded database (embedded: modgate's
#   default, the embedded Postgres; pglite: MODGATE_EMBEDDED_DB=pglite);
#   BENCH_CPU_PROF=DIR keeps node --cpu-prof profiles of modgate in DIR; BENCH_SKIP_BUILD=1;
#   BENCH_VS=<other checkout>/dist/apps/modgate/src/main.js measures that build too, in the same
#   rounds, for a before/after comparison)
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PATH:/usr/sbin:/sbin"   # nginx
BENCH_DIR=bench
. "$BENCH_DIR/lib.sh"

ROUNDS=${BENCH_ROUNDS:-3}
MODULES=${BENCH_MODULES:-150}
DB=${BENCH_GRAPH_DB:-embedded}
MAIN=dist/apps/modgate/src/main.js
ADMIN_PASSWORD=bench-admin-password-42

bench_require_commands "${BENCH_SERVE_NEEDS[@]}"
command -v openssl >/dev/null || bench_die "missing commands; install the Debian packages: sudo apt-get install openssl"
case $DB in embedded | pglite | postgres) ;; *) bench_die "BENCH_GRAPH_DB must be embedded, pglite or postgres" ;; esac
[ "$DB" != postgres ] || bench_require_commands psql=postgresql-client initdb=postgresql

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-graph-bench.XXXXXX")
# As root the embedded Postgres runs as an unprivileged user, who must pass through this dir.
chmod 711 "$BENCH_TMP"
MODGATE_PID='' NGINX_PID=''

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ] && [ -s "$BENCH_TMP/modgate.log" ]; then
    echo "bench: last 20 lines of the modgate log:" >&2
    tail -n 20 "$BENCH_TMP/modgate.log" >&2
  fi
  bench_stop_modgate 100
  if [ -n "$NGINX_PID" ]; then kill -TERM "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; fi
  [ "$DB" = postgres ] && bench_pg_stop "$BENCH_TMP/pg"
  chmod -R u+w "$BENCH_TMP" 2>/dev/null
  rm -rf "$BENCH_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build, fixture, certificates ---------------------------------------------------------------
bench_build "$MAIN"
bench_log "generating a graph of $MODULES modules (GOPROXY tree and a project requiring all of them)"
TREE=$(node "$BENCH_DIR/graph-fixture.mjs" "$BENCH_TMP/graph" "$MODULES")
PROJECT=$BENCH_TMP/graph/project
bench_make_tls "$BENCH_TMP/tls"

# --- nginx: HTTPS baseline and plain upstream --------------------------------------------------
NGINX_PORT=$(bench_free_port)
UP_PORT=$(bench_free_port)
while [ "$UP_PORT" = "$NGINX_PORT" ]; do UP_PORT=$(bench_free_port); done
bench_nginx_conf "$BENCH_TMP" "$TREE" "$NGINX_PORT" "$UP_PORT" "$BENCH_TMP/tls/server.crt" "$BENCH_TMP/tls/server.key"
nginx -c "$BENCH_TMP/nginx.conf" -p "$BENCH_TMP" -e "$BENCH_TMP/nginx-error.log" >"$BENCH_TMP/nginx.out" 2>&1 &
NGINX_PID=$!
bench_wait_http "http://127.0.0.1:$UP_PORT/example.com/graph/m000/@v/list" 10 "$NGINX_PID" || bench_die "nginx did not start"

if [ "$DB" = postgres ]; then
  PG_PORT=$(bench_free_port)
  bench_log "starting a throwaway Postgres on 127.0.0.1:$PG_PORT (fsync on)"
  bench_pg_start "$BENCH_TMP/pg" "$PG_PORT" "-c max_connections=200 -c shared_buffers=256MB"
fi

# --- modgate: a fresh one per round ------------------------------------------------------------
# start_modgate ROUND ENTRY: empty data dir (and database); HTTPS, auth and audit on (the defaults).
start_modgate() {
  local round=$1 entry=$2 port
  port=$(bench_free_port)
  MODGATE_URL=https://127.0.0.1:$port
  METRICS_PORT=$(bench_free_port)
  local -a db_env=() node_opts=()
  # A new dir every time (computed here: the server below starts in a subshell).
  local data_dir=$BENCH_TMP/data-$round-$((++DATA_SERIAL))
  if [ "$DB" = postgres ]; then
    local name=modgate_${round}_$((++DB_SERIAL))
    psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE $name" || bench_die "CREATE DATABASE failed"
    db_env=(DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$name")
  fi
  [ "$DB" = pglite ] && db_env=(MODGATE_EMBEDDED_DB=pglite)
  if [ -n "${BENCH_CPU_PROF:-}" ]; then
    mkdir -p "$BENCH_CPU_PROF"
    node_opts=(--cpu-prof --cpu-prof-dir="$BENCH_CPU_PROF" --cpu-prof-name="modgate-$DB-round$round.cpuprofile")
    [ "$entry" = "$MAIN" ] || node_opts[-1]="--cpu-prof-name=modgate-vs-$DB-round$round.cpuprofile"
  fi
  env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC NO_COLOR=1 \
    MODGATE_LISTEN="127.0.0.1:$port" \
    MODGATE_METRICS_LISTEN="127.0.0.1:$METRICS_PORT" \
    MODGATE_TLS_CERT="$BENCH_TMP/tls/server.crt" MODGATE_TLS_KEY="$BENCH_TMP/tls/server.key" \
    MODGATE_DATA_DIR="$data_dir" \
    MODGATE_UPSTREAM="http://127.0.0.1:$UP_PORT" \
    MODGATE_SUMDB=off \
    MODGATE_INITIAL_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    MODGATE_LOG_LEVEL="${BENCH_LOG_LEVEL:-info}" \
    "${db_env[@]}" \
    node "${node_opts[@]}" "$entry" >"$BENCH_TMP/modgate.log" 2>&1 &
  MODGATE_PID=$!
  local started
  started=$(bench_now_ns)
  bench_wait_http "http://127.0.0.1:$METRICS_PORT/metrics" 120 "$MODGATE_PID" || bench_die "modgate did not start"
  until curl -fsS --cacert "$BENCH_TMP/tls/ca.crt" -o /dev/null "$MODGATE_URL/healthz"; do
    kill -0 "$MODGATE_PID" 2>/dev/null || bench_die "modgate exited during start"
    sleep 0.2
  done
  START_SECS=$(bench_secs "$started" "$(bench_now_ns)")
  local token
  token=$(curl -fsS --cacert "$BENCH_TMP/tls/ca.crt" -u "admin:$ADMIN_PASSWORD" -H 'content-type: application/json' \
    -d '{"name":"bench","scopes":["read"]}' "$MODGATE_URL/api/tokens" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).token))') \
    || bench_die "creating a token failed"
  printf 'machine 127.0.0.1 login bench password %s\n' "$token" >"$BENCH_TMP/netrc"
}

# go_download NAME BASE_URL: `go mod download` of the project with an empty module cache; prints
# the wall seconds.
go_download() {
  local name=$1 base=$2 t0 t1
  chmod -R u+w "$BENCH_TMP/modcache" 2>/dev/null || true
  rm -rf "$BENCH_TMP/modcache"
  t0=$(bench_now_ns)
  (
    cd "$PROJECT"
    env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC \
      GOPROXY="$base" GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local \
      NETRC="$BENCH_TMP/netrc" SSL_CERT_FILE="$BENCH_TMP/tls/ca.crt" \
      GOMODCACHE="$BENCH_TMP/modcache" GOPATH="$BENCH_TMP/gopath" GOCACHE="$BENCH_TMP/gocache" \
      go mod download
  ) >"$BENCH_TMP/go-$name.log" 2>&1 || { cat "$BENCH_TMP/go-$name.log" >&2; bench_die "go mod download through $name failed"; }
  t1=$(bench_now_ns)
  [ "$(find "$BENCH_TMP/modcache/cache/download" -name '*.zip' | wc -l)" = "$MODULES" ] || bench_die "go mod download through $name did not fetch $MODULES zips"
  bench_secs "$t0" "$t1"
}

DB_SERIAL=0 DATA_SERIAL=0
[ -z "${BENCH_VS:-}" ] || [ -f "$BENCH_VS" ] || bench_die "BENCH_VS=$BENCH_VS does not exist"
# counters: "ORM_OPS SQL_OPS BLOB_GETS BLOB_PUTS CPU_TICKS" of the running modgate, from /metrics and /proc.
counters() {
  local m
  m=$(curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics")
  printf '%s %s %s %s %s %s\n' \
    "$(bench_metric "$m" modgate_db_query_duration_seconds_count 'operation="orm"')" \
    "$(bench_metric "$m" modgate_db_query_duration_seconds_count 'operation="query"')" \
    "$(bench_metric "$m" modgate_blob_store_operation_duration_seconds_count 'operation="get"')" \
    "$(bench_metric "$m" modgate_blob_store_operation_duration_seconds_count 'operation="put"')" \
    "$(bench_cpu_ticks "$MODGATE_PID")" \
    "$(bench_metric "$m" modgate_http_connections_total)"
}
# delta BEFORE AFTER: per run "ORM ops, SQL queries, blob reads, blob writes, CPU seconds, connections accepted".
delta() {
  awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { split(a, x, " "); split(b, y, " ")
    printf "%d ORM ops, %d SQL queries, %d blob reads, %d blob writes, %.2f CPU s, %d connections", y[1] - x[1], y[2] - x[2], y[3] - x[3], y[4] - x[4], (y[5] - x[5]) / hz, y[6] - x[6] }'
}

NGINX_URL=https://127.0.0.1:$NGINX_PORT
VARIANTS=(this)
[ -n "${BENCH_VS:-}" ] && VARIANTS+=(vs)
declare -A WORK=() COLD_T=() WARM_T=() COLD_R=() WARM_R=() STARTS=() UPSTREAM_REQS=() AUDIT=()
declare -a NGINX_T=()
BUSY_BEFORE=$(bench_busy_pct 1 "$NGINX_PID")
go_download warmup "$NGINX_URL" >/dev/null   # the go command's own build cache and page cache
for round in $(seq "$ROUNDS"); do
  for variant in "${VARIANTS[@]}"; do
    entry=$MAIN
    [ "$variant" = vs ] && entry=$BENCH_VS
    bench_log "round $round/$ROUNDS, $variant ($entry): fresh modgate ($DB), then nginx / modgate cold / nginx / modgate warm"
    start_modgate "$round" "$entry"
    STARTS[$variant]+="$START_SECS "
    up0=$(wc -l <"$BENCH_TMP/upstream-access.log" 2>/dev/null || echo 0)
    n1=$(go_download nginx "$NGINX_URL")
    c0=$(counters)
    cold=$(go_download modgate-cold "$MODGATE_URL")
    c1=$(counters)
    up1=$(wc -l <"$BENCH_TMP/upstream-access.log")
    n2=$(go_download nginx "$NGINX_URL")
    c2=$(counters)
    warm=$(go_download modgate-warm "$MODGATE_URL")
    c3=$(counters)
    WORK[$variant]+="    round $round cold: $(delta "$c0" "$c1"); warm: $(delta "$c2" "$c3")"$'\n'
    NGINX_T+=("$n1" "$n2")
    COLD_T[$variant]+="$cold " WARM_T[$variant]+="$warm "
    COLD_R[$variant]+="$(bench_ratio "$cold" "$n1") " WARM_R[$variant]+="$(bench_ratio "$warm" "$n2") "
    UPSTREAM_REQS[$variant]+="$((up1 - up0)) "
    printf '  round %s %s: nginx %s s, modgate cold %s s (%sx), nginx %s s, modgate warm %s s (%sx); modgate start %s s\n' \
      "$round" "$variant" "$n1" "$cold" "$(bench_ratio "$cold" "$n1")" "$n2" "$warm" "$(bench_ratio "$warm" "$n2")" "$START_SECS" >&2
    metrics=$(curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics")
    AUDIT[$variant]=$(awk -v c="$(bench_metric "$metrics" modgate_audit_commit_batch_events_count)" \
      -v e="$(bench_metric "$metrics" modgate_audit_commit_batch_events_sum)" -v s="$(bench_metric "$metrics" modgate_audit_commit_duration_seconds_sum)" \
      'BEGIN { if (c > 0) printf "%d events in %d commits (%.2f per commit), %.2f ms per commit", e, c, e / c, 1000 * s / c }')
    bench_report_log_problems "$BENCH_TMP/modgate.log" >&2
    bench_stop_modgate 100
  done
done
BUSY_AFTER=$(bench_busy_pct 1 "$NGINX_PID")

echo
echo "modgate graph bench: go mod download of $MODULES modules (empty module cache), HTTPS, $ROUNDS rounds, $(nproc) cores shared by go, nginx and modgate ($DB)"
printf '  nginx (HTTPS, static tree)          median %s s   (runs: %s)\n' "$(bench_median "${NGINX_T[@]}")" "${NGINX_T[*]}"
for variant in "${VARIANTS[@]}"; do
  [ "$variant" = vs ] && echo "  BENCH_VS=$BENCH_VS:"
  # shellcheck disable=SC2086 # word splitting of the space-separated lists is meant
  {
    printf '  %-6s modgate warm (auth + audit on)    median %s s   ratio to nginx in the same round: median %sx (rounds: %s)  target <= 1.25x\n' \
      "$variant" "$(bench_median ${WARM_T[$variant]})" "$(bench_median ${WARM_R[$variant]})" "${WARM_R[$variant]% }"
    printf '  %-6s modgate cold (filling from nginx) median %s s   ratio to nginx in the same round: median %sx (rounds: %s)  target <= 2.0x\n' \
      "$variant" "$(bench_median ${COLD_T[$variant]})" "$(bench_median ${COLD_R[$variant]})" "${COLD_R[$variant]% }"
    printf '  %-6s modgate start to healthy: median %s s; upstream requests per cold run: %s\n' "$variant" "$(bench_median ${STARTS[$variant]})" "${UPSTREAM_REQS[$variant]% }"
    printf '  %-6s audit, last round: %s\n' "$variant" "${AUDIT[$variant]}"
    printf '  %-6s modgate work per go mod download:\n%s' "$variant" "${WORK[$variant]}"
  }
done
printf '  CPU used by other processes before / after: %s%% / %s%%%s\n' "$BUSY_BEFORE" "$BUSY_AFTER" \
  "$([ "$BUSY_BEFORE" -gt 15 ] || [ "$BUSY_AFTER" -gt 15 ] && echo '  (other processes were competing: numbers are noisy)')"
[ -n "${BENCH_CPU_PROF:-}" ] && echo "  CPU profiles of modgate: $BENCH_CPU_PROF"
exit 0
