#!/usr/bin/env bash
# Throughput over HTTPS with the defaults a company runs (a read token, RBAC, durable audit on a
# real Postgres with fsync on): warm `.mod` (64 connections) and ~20 MB `.zip` (8 connections)
# served by
#   1. a bare Node https static file server (bench/static-https.mjs: the runtime's floor),
#   2. nginx (one worker, HTTPS) on the same files,
#   3. modgate with MODGATE_WORKERS=1,
# all pinned to the last core with wrk on the others, in alternating rounds; then modgate with
# MODGATE_WORKERS=1 and =2 unpinned (the scaling on this machine's cores, shared with wrk).
# Prints median req/s and MB/s, the ratios and the server CPU per request.
# Target (issue 13): modgate >= 0.9x the bare Node server on both, with one worker.
#
# A benchmark, not a test: it exits 0 once it has measured, whatever the numbers.
# Run: bash bench/throughput.sh   (about 3 minutes; BENCH_SECONDS=N per run, default 5;
#   BENCH_ROUNDS=N, default 3; BENCH_SKIP_BUILD=1; BENCH_CPU_PROF=DIR keeps a `node --cpu-prof`
#   profile of the pinned modgate; BENCH_DB=embedded runs modgate on its embedded database and
#   skips the two-worker run)
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PATH:/usr/sbin:/sbin"   # nginx
BENCH_DIR=bench
. "$BENCH_DIR/lib.sh"

SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
DB=${BENCH_DB:-postgres}
WARM_SECS=2
MAIN=dist/apps/modgate/src/main.js
ADMIN_PASSWORD=bench-admin-password-4b9d
CORES=$(nproc)

bench_require_commands "${BENCH_SERVE_NEEDS[@]}"
[ "$DB" = embedded ] || bench_require_commands psql=postgresql-client initdb=postgresql

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-bench-throughput.XXXXXX")
# As root the embedded Postgres runs as an unprivileged user, who must pass through this dir.
chmod 711 "$BENCH_TMP"
PIDS=()

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ]; then
    for log in "$BENCH_TMP"/modgate-*.log "$BENCH_TMP/nginx-error.log" "$BENCH_TMP/static.log"; do
      [ -s "$log" ] && { echo "bench: last 20 lines of $(basename "$log"):" >&2; tail -n 20 "$log" >&2; }
    done
  fi
  local pid
  for pid in "${PIDS[@]}"; do bench_stop_process "$pid"; done
  [ "$DB" = embedded ] || bench_pg_stop "$BENCH_TMP/pg"
  chmod -R u+w "$BENCH_TMP" 2>/dev/null
  rm -rf "$BENCH_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PIN_SERVER=() PIN_CLIENT=()
if [ "$CORES" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  PIN_SERVER=(taskset -c $((CORES - 1)))
  PIN_CLIENT=(taskset -c 0-$((CORES - 2)))
fi
# bench_wrk runs `wrk`: this wrapper pins it (when PIN is set) and sends the run's header.
WRK_HEADER='' PIN=1
wrk() {
  local -a pin=() header=()
  [ "$PIN" = 1 ] && pin=("${PIN_CLIENT[@]}")
  [ -n "$WRK_HEADER" ] && header=(-H "$WRK_HEADER")
  "${pin[@]}" "$(type -P wrk)" "${header[@]}" "$@"
}

# --- build, fixture, TLS ------------------------------------------------------------------------
bench_build "$MAIN"
bench_log "creating the fixture github.com/bench/big@v1.0.0 (go mod download, offline)"
TREE=$(bench_make_fixture "$BENCH_TMP")
MOD=github.com/bench/big/@v/v1.0.0.mod
ZIP=github.com/bench/big/@v/v1.0.0.zip
ZIP_BYTES=$(stat -c %s "$TREE/$ZIP")
bench_make_tls "$BENCH_TMP/tls"
CERT=$BENCH_TMP/tls/server.crt KEY=$BENCH_TMP/tls/server.key
CURL=(curl -fsS --cacert "$BENCH_TMP/tls/ca.crt")

# --- baselines: bare Node and nginx, pinned --------------------------------------------------------
NGINX_PORT=$(bench_free_port) UP_PORT=$(bench_free_port) STATIC_PORT=$(bench_free_port)
bench_nginx_conf "$BENCH_TMP" "$TREE" "$NGINX_PORT" "$UP_PORT" "$CERT" "$KEY"
sed -i 's/^worker_processes auto;/worker_processes 1;/' "$BENCH_TMP/nginx.conf"   # one core, like modgate
"${PIN_SERVER[@]}" nginx -c "$BENCH_TMP/nginx.conf" -p "$BENCH_TMP" -e "$BENCH_TMP/nginx-error.log" >"$BENCH_TMP/nginx.out" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
"${PIN_SERVER[@]}" node "$BENCH_DIR/static-https.mjs" "$TREE" "$STATIC_PORT" "$CERT" "$KEY" >"$BENCH_TMP/static.log" 2>&1 &
STATIC_PID=$!
PIDS+=("$STATIC_PID")
NGINX=https://127.0.0.1:$NGINX_PORT STATIC=https://127.0.0.1:$STATIC_PORT
bench_wait_http "http://127.0.0.1:$UP_PORT/$MOD" 10 "$NGINX_PID" || bench_die "nginx did not start"
for _ in $(seq 50); do "${CURL[@]}" -o /dev/null "$STATIC/$MOD" 2>/dev/null && break; sleep 0.1; done
"${CURL[@]}" -o /dev/null "$STATIC/$MOD" || bench_die "the bare Node server did not start"

# --- modgate -------------------------------------------------------------------------------------
if [ "$DB" != embedded ]; then
  PG_PORT=$(bench_free_port)
  bench_log "starting a throwaway Postgres on 127.0.0.1:$PG_PORT (fsync on)"
  bench_pg_start "$BENCH_TMP/pg" "$PG_PORT" "-c max_connections=200 -c shared_buffers=256MB"
fi
# start_modgate NAME WORKERS PINNED: HTTPS, auth, audit on; sets MODGATE_URL and MODGATE_PID.
start_modgate() {
  local name=$1 workers=$2 pinned=$3 port
  port=$(bench_free_port)
  local -a db_env=() node_opts=() pin=()
  if [ "$DB" != embedded ]; then
    psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE $name" || bench_die "CREATE DATABASE failed"
    db_env=(DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$name")
  fi
  [ "$pinned" = 1 ] && pin=("${PIN_SERVER[@]}")
  if [ -n "${BENCH_CPU_PROF:-}" ] && [ "$workers" = 1 ] && [ "$pinned" = 1 ]; then
    mkdir -p "$BENCH_CPU_PROF"
    node_opts=(--cpu-prof --cpu-prof-dir="$BENCH_CPU_PROF" --cpu-prof-name="throughput-$name.cpuprofile")
  fi
  env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC NO_COLOR=1 \
    MODGATE_LISTEN="127.0.0.1:$port" MODGATE_WORKERS="$workers" \
    MODGATE_TLS_CERT="$CERT" MODGATE_TLS_KEY="$KEY" \
    MODGATE_DATA_DIR="$BENCH_TMP/data-$name" \
    MODGATE_UPSTREAM="http://127.0.0.1:$UP_PORT" MODGATE_SUMDB=off \
    MODGATE_INITIAL_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    MODGATE_LOG_LEVEL="${BENCH_LOG_LEVEL:-info}" \
    "${db_env[@]}" \
    "${pin[@]}" node "${node_opts[@]}" "$MAIN" >"$BENCH_TMP/modgate-$name.log" 2>&1 &
  MODGATE_PID=$!
  PIDS+=("$MODGATE_PID")
  MODGATE_URL=https://127.0.0.1:$port
  for _ in $(seq 600); do
    "${CURL[@]}" -o /dev/null "$MODGATE_URL/healthz" 2>/dev/null && break
    kill -0 "$MODGATE_PID" 2>/dev/null || bench_die "modgate ($name) exited during start"
    sleep 0.1
  done
  "${CURL[@]}" -o /dev/null "$MODGATE_URL/healthz" || bench_die "modgate ($name) did not start"
}
# A CI job's read token, sent as the go command sends it (Basic, token as the password).
token_header() {
  local token
  token=$("${CURL[@]}" -u "admin:$ADMIN_PASSWORD" -H 'content-type: application/json' \
    -d '{"name":"bench-ci","scopes":["read"]}' "$1/api/tokens" |
    node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).token))') || bench_die "creating a token failed"
  printf 'Authorization: Basic %s' "$(printf 'admin:%s' "$token" | base64 -w0)"
}
# warm URL HEADER: fills modgate's cache and checks its bytes against the tree.
warm() {
  local ext
  for ext in mod zip; do
    "${CURL[@]}" -H "$2" -o "$BENCH_TMP/got.$ext" "$1/github.com/bench/big/@v/v1.0.0.$ext" || bench_die "modgate did not serve .$ext"
    cmp -s "$BENCH_TMP/got.$ext" "$TREE/github.com/bench/big/@v/v1.0.0.$ext" || bench_die "modgate's .$ext differs from the tree"
  done
  rm -f "$BENCH_TMP"/got.*
}

start_modgate one 1 1
ONE=$MODGATE_URL ONE_PID=$MODGATE_PID
ONE_HEADER=$(token_header "$ONE")
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$BENCH_TMP/tls/ca.crt" "$ONE/$MOD")" = 401 ] || bench_die "modgate served $MOD without credentials"
warm "$ONE" "$ONE_HEADER"

# --- measure -------------------------------------------------------------------------------------
declare -A RESULTS=()
# run NAME URL HEADER PID CONNS: warm-up, measured run; appends "requests bytes us errors p50 p99 ticks;".
run() {
  local name=$1 url=$2 header=$3 pid=$4 conns=$5 result before after
  WRK_HEADER=$header
  bench_wrk "$name-warmup" "$url" 2 "$conns" "$WARM_SECS" >/dev/null
  before=$(bench_cpu_ticks "$pid")
  result=$(bench_wrk "$name-$round" "$url" 2 "$conns" "$SECS")
  after=$(bench_cpu_ticks "$pid")
  WRK_HEADER=''
  RESULTS[$name]+="$result $((after - before));"
}
BUSY_BEFORE=$(bench_busy_pct 1 "${PIDS[@]}")
for round in $(seq "$ROUNDS"); do
  bench_log "round $round/$ROUNDS (pinned): .mod -c64 and .zip -c8, ${SECS}s each: bare Node, nginx, modgate"
  run node-mod "$STATIC/$MOD" '' "$STATIC_PID" 64
  run nginx-mod "$NGINX/$MOD" '' "$NGINX_PID" 64
  run modgate-mod "$ONE/$MOD" "$ONE_HEADER" "$ONE_PID" 64
  run node-zip "$STATIC/$ZIP" '' "$STATIC_PID" 8
  run nginx-zip "$NGINX/$ZIP" '' "$NGINX_PID" 8
  run modgate-zip "$ONE/$ZIP" "$ONE_HEADER" "$ONE_PID" 8
done
BUSY_AFTER=$(bench_busy_pct 1 "${PIDS[@]}")
kill -0 "$ONE_PID" 2>/dev/null || bench_die "modgate died during the benchmark"
bench_stop_process "$ONE_PID"

if [ "$DB" != embedded ]; then
  PIN=0
  start_modgate w1 1 0
  W1=$MODGATE_URL W1_PID=$MODGATE_PID W1_HEADER=$(token_header "$MODGATE_URL")
  warm "$W1" "$W1_HEADER"
  start_modgate w2 2 0
  W2=$MODGATE_URL W2_PID=$MODGATE_PID W2_HEADER=$(token_header "$MODGATE_URL")
  warm "$W2" "$W2_HEADER"
  for round in $(seq "$ROUNDS"); do
    bench_log "round $round/$ROUNDS (unpinned): .mod -c64, MODGATE_WORKERS=1 then 2"
    run w1-mod "$W1/$MOD" "$W1_HEADER" "$W1_PID" 64
    run w2-mod "$W2/$MOD" "$W2_HEADER" "$W2_PID" 64
  done
fi

# --- report --------------------------------------------------------------------------------------
mbps() { tr ';' '\n' <<<"${RESULTS[$1]}" | awk -v s="$ZIP_BYTES" 'NF { printf "%.0f\n", $1 * s / ($3 / 1e6) / 1e6 }'; }
HZ=$(getconf CLK_TCK)
cpu() { tr ';' '\n' <<<"${RESULTS[$1]}" | awk -v hz="$HZ" 'NF && $1 > 0 { printf "%.1f\n", $7 * 1e6 / hz / $1 }' | bench_median_lines; }
verdict() { awk -v r="$1" 'BEGIN { print (r + 0 >= 0.9 ? "met" : "NOT met") }'; }

NM=$(bench_rates node-mod | bench_median_lines) XM=$(bench_rates nginx-mod | bench_median_lines) MM=$(bench_rates modgate-mod | bench_median_lines)
NZ=$(mbps node-zip | bench_median_lines) XZ=$(mbps nginx-zip | bench_median_lines) MZ=$(mbps modgate-zip | bench_median_lines)
echo
echo "modgate throughput bench: HTTPS keep-alive, modgate with a read token, RBAC and audit on ($DB), median of $ROUNDS rounds x ${SECS}s; servers pinned to core $((CORES - 1)), wrk -t2 on the rest"
printf '  .mod -c64  bare Node %7s req/s   nginx %7s req/s   modgate %7s req/s   modgate/Node %s (target >= 0.9: %s)   modgate/nginx %s\n' \
  "$NM" "$XM" "$MM" "$(bench_ratio "$MM" "$NM")" "$(verdict "$(bench_ratio "$MM" "$NM")")" "$(bench_ratio "$MM" "$XM")"
printf '  .zip -c8   bare Node %7s MB/s    nginx %7s MB/s    modgate %7s MB/s    modgate/Node %s (target >= 0.9: %s)   modgate/nginx %s\n' \
  "$NZ" "$XZ" "$MZ" "$(bench_ratio "$MZ" "$NZ")" "$(verdict "$(bench_ratio "$MZ" "$NZ")")" "$(bench_ratio "$MZ" "$XZ")"
printf '  server CPU per .mod request: bare Node %s us, nginx %s us, modgate %s us; per .zip: bare Node %s us, nginx %s us, modgate %s us\n' \
  "$(cpu node-mod)" "$(cpu nginx-mod)" "$(cpu modgate-mod)" "$(cpu node-zip)" "$(cpu nginx-zip)" "$(cpu modgate-zip)"
printf '  rounds: .mod Node [%s] modgate [%s]; .zip Node [%s] modgate [%s]\n' \
  "$(bench_rates node-mod | paste -sd' ')" "$(bench_rates modgate-mod | paste -sd' ')" "$(mbps node-zip | paste -sd' ')" "$(mbps modgate-zip | paste -sd' ')"
if [ "$DB" != embedded ]; then
  W1R=$(bench_rates w1-mod | bench_median_lines) W2R=$(bench_rates w2-mod | bench_median_lines)
  printf '  scaling (unpinned, %s cores shared with wrk): .mod MODGATE_WORKERS=1 %s req/s, =2 %s req/s: x%s\n' "$CORES" "$W1R" "$W2R" "$(bench_ratio "$W2R" "$W1R")"
fi
total=0
for name in "${!RESULTS[@]}"; do total=$((total + $(bench_errors "$name"))); done
printf '  wrk errors (socket + non-2xx) over all runs: %s\n' "$total"
for log in "$BENCH_TMP"/modgate-*.log; do bench_report_log_problems "$log"; done
printf '  CPU used by other processes before / after: %s%% / %s%%%s\n' "$BUSY_BEFORE" "$BUSY_AFTER" \
  "$([ "$BUSY_BEFORE" -gt 15 ] || [ "$BUSY_AFTER" -gt 15 ] && echo '  (other processes were competing: numbers are noisy)')"
