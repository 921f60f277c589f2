#!/usr/bin/env bash
# What the durable audit log costs, and how fast it is to review:
#   1. warm `.mod` pulls from two modgates on one real Postgres, identical but for the audit log:
#      MODGATE_AUDIT=on (every pull committed to the hash chain before it is answered) and
#      MODGATE_AUDIT=off (benchmarks only), in alternating rounds; prints req/s, the ratio and p99,
#      and checks that the audited runs recorded every request;
#   2. query latency of the admin API over 1,000,000 generated events (generate_series), for three
#      typical filters plus the blast radius and the summary: median / p95 / max of 20 calls.
# Target: audit costs < 10% (on/off >= 0.90); filtered queries < 100 ms.
#
# Postgres runs with its default durability (fsync, synchronous_commit on). Both modgates run with
# MODGATE_AUTH=off (loopback, no TLS) so only the audit log differs.
# A benchmark, not a test: it exits 0 once it has measured, whatever the numbers.
# Run: bash bench/audit.sh   (about 3 minutes; BENCH_SECONDS=N per measured run, default 5;
#   BENCH_ROUNDS=N rounds, default 3; BENCH_CONNS="64 256" wrk connections (each measured);
#   BENCH_EVENTS=N generated events, default 1000000; BENCH_SKIP_BUILD=1 uses the existing dist)
# At 64 connections the audited server is bound by the commit latency (each pull waits for its
# group commit); at 256 it is bound by CPU like the other one, so the two ratios bracket the cost.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=bench
. "$BENCH_DIR/lib.sh"
. "$BENCH_DIR/audit-lib.sh"

SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
EVENTS=${BENCH_EVENTS:-1000000}
WARM_SECS=2
CONNS_LIST=${BENCH_CONNS:-64 256}
MAIN=dist/apps/modgate/src/main.js

bench_require_commands wrk=wrk curl=curl node=nodejs psql=postgresql-client initdb=postgresql

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-bench-audit.XXXXXX")
ON_PID='' OFF_PID='' UP_PID=''

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ]; then
    for log in modgate-on.log modgate-off.log pg/postgres.log; do
      [ -s "$BENCH_TMP/$log" ] && { echo "bench: last 20 lines of $log:" >&2; tail -n 20 "$BENCH_TMP/$log" >&2; }
    done
  fi
  local pid
  for pid in "$ON_PID" "$OFF_PID" "$UP_PID"; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; done
  for pid in "$ON_PID" "$OFF_PID" "$UP_PID"; do
    [ -z "$pid" ] && continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  bench_pg_stop "$BENCH_TMP/pg"
  rm -rf "$BENCH_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build -------------------------------------------------------------------------------------
bench_build "$MAIN"

# --- Postgres and the upstream -----------------------------------------------------------------
PG_PORT=$(bench_free_port)
bench_log "starting a throwaway Postgres on 127.0.0.1:$PG_PORT"
bench_pg_start "$BENCH_TMP/pg" "$PG_PORT" "-c max_connections=200 -c shared_buffers=256MB"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE modgate' || bench_die "CREATE DATABASE failed"
DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/modgate"
UP_PORT=$(bench_free_port)
UP_PID=$(audit_upstream "$BENCH_TMP/upstream" "$UP_PORT")
MOD_PATH=example.com/bench/audit/@v/v1.0.0.mod

# --- two modgates: MODGATE_AUDIT=on and off -----------------------------------------------------
start_modgate() {
  local name=$1 port=$2
  shift 2
  mkdir -p "$BENCH_TMP/data"
  # One database and one blob store (the data dir): the two servers are replicas of one install.
  env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC NO_COLOR=1 \
    MODGATE_LISTEN="127.0.0.1:$port" \
    MODGATE_DATA_DIR="$BENCH_TMP/data" \
    DATABASE_URL="$DATABASE_URL" \
    MODGATE_UPSTREAM="http://127.0.0.1:$UP_PORT" \
    MODGATE_SUMDB=off \
    MODGATE_AUTH=off \
    "$@" \
    node "$MAIN" >"$BENCH_TMP/modgate-$name.log" 2>&1 &
  echo $!
}
ON_PORT=$(bench_free_port)
OFF_PORT=$(bench_free_port)
while [ "$OFF_PORT" = "$ON_PORT" ]; do OFF_PORT=$(bench_free_port); done
ON_PID=$(start_modgate on "$ON_PORT")
bench_wait_http "http://127.0.0.1:$ON_PORT/healthz" 60 "$ON_PID" || bench_die "modgate (audit on) did not start"
# Started second: the first one applied the migrations.
OFF_PID=$(start_modgate off "$OFF_PORT" MODGATE_AUDIT=off)
bench_wait_http "http://127.0.0.1:$OFF_PORT/healthz" 60 "$OFF_PID" || bench_die "modgate (audit off) did not start"
grep -q 'MODGATE_AUDIT=off: the audit log is OFF' "$BENCH_TMP/modgate-off.log" || bench_die "MODGATE_AUDIT=off was not announced at start"
ON=http://127.0.0.1:$ON_PORT
OFF=http://127.0.0.1:$OFF_PORT

curl -fsS -o "$BENCH_TMP/on.mod" "$ON/$MOD_PATH" || bench_die "modgate (audit on) failed to serve $MOD_PATH"
curl -fsS -o "$BENCH_TMP/off.mod" "$OFF/$MOD_PATH" || bench_die "modgate (audit off) failed to serve $MOD_PATH"
cmp -s "$BENCH_TMP/on.mod" "$BENCH_TMP/off.mod" || bench_die "the two servers sent different .mod bytes"

events() { "${PSQL[@]}" -d modgate -At -c 'SELECT count(*) FROM audit_event'; }

# --- measure pulls: rounds alternate the two servers ----------------------------------------------
declare -A RESULTS=() CPU_MODGATE=() CPU_PG=() MEASURED=()
# CPU clock ticks of modgate and of Postgres (postmaster and its backends) during measured runs.
PG_PID=$(head -n 1 "$BENCH_TMP/pg/data/postmaster.pid")
ON_REQUESTS=0
run() {
  local name=$1 url=$2 conns=$3 key=$1-$3 pid warm result mg0 pg0
  if [ "$name" = on ]; then pid=$ON_PID; else pid=$OFF_PID; fi
  warm=$(bench_wrk "$key-warmup-$round" "$url" 2 "$conns" "$WARM_SECS")
  mg0=$(bench_cpu_ticks "$pid") pg0=$(bench_cpu_ticks "$PG_PID")
  result=$(bench_wrk "$key-$round" "$url" 2 "$conns" "$SECS")
  CPU_MODGATE[$key]=$((${CPU_MODGATE[$key]:-0} + $(bench_cpu_ticks "$pid") - mg0))
  CPU_PG[$key]=$((${CPU_PG[$key]:-0} + $(bench_cpu_ticks "$PG_PID") - pg0))
  MEASURED[$key]=$((${MEASURED[$key]:-0} + ${result%% *}))
  RESULTS[$key]+="$result;"
  if [ "$name" = on ]; then ON_REQUESTS=$((ON_REQUESTS + ${warm%% *} + ${result%% *})); fi
}
EVENTS_BEFORE=$(events)
BUSY_BEFORE=$(bench_busy_pct 1 "$ON_PID" "$OFF_PID")
for round in $(seq "$ROUNDS"); do
  for conns in $CONNS_LIST; do
    bench_log "round $round/$ROUNDS: wrk -t2 -c$conns ${SECS}s each: audit off, audit on"
    run off "$OFF/$MOD_PATH" "$conns"
    run on "$ON/$MOD_PATH" "$conns"
  done
done
BUSY_AFTER=$(bench_busy_pct 1 "$ON_PID" "$OFF_PID")
kill -0 "$ON_PID" 2>/dev/null && kill -0 "$OFF_PID" 2>/dev/null || bench_die "a modgate died during the benchmark"
RECORDED=$(($(events) - EVENTS_BEFORE))

# --- measure queries over generated events ----------------------------------------------------------
bench_log "generating $EVENTS audit events with generate_series (then VACUUM ANALYZE)"
GEN_START=$SECONDS
audit_generate_sql "$EVENTS" | "${PSQL[@]}" -d modgate >"$BENCH_TMP/generate.log" 2>&1 || { cat "$BENCH_TMP/generate.log" >&2; bench_die "generating events failed"; }
GEN_SECS=$((SECONDS - GEN_START))
TOTAL_EVENTS=$(events)
TABLE_SIZE=$("${PSQL[@]}" -d modgate -At -c "SELECT pg_size_pretty(pg_total_relation_size('audit_event'))")

declare -a QUERY_NAMES=(
  "one user's requests, last 7 days     principal=user-42&from=-7d"
  "a module family, last 24 hours       module=github.com/acme/lib-1&from=-24h"
  "denied requests, last 30 days        status=403&from=-30d"
  "a team's pulls of one module         group=team-7&module=github.com/acme/lib-420"
  "newest events, no filter             (none)"
)
declare -a QUERY_PATHS=(
  "/api/audit/events?principal=user-42&from=-7d"
  "/api/audit/events?module=github.com/acme/lib-1&from=-24h"
  "/api/audit/events?status=403&from=-30d"
  "/api/audit/events?group=team-7&module=github.com/acme/lib-420"
  "/api/audit/events"
)
QUERY_RESULTS=()
for i in "${!QUERY_PATHS[@]}"; do
  bench_log "timing GET ${QUERY_PATHS[$i]}"
  QUERY_RESULTS+=("$(audit_time_get "$ON${QUERY_PATHS[$i]}" 20)")
done
RADIUS=$(audit_time_get "$ON/api/audit/blast-radius?module=github.com/acme/lib-7&version=v1.17.0" 20)
SUMMARY=$(audit_time_get "$ON/api/audit/summary?from=-7d" 5)
VERIFY_SAMPLE=$(curl -fsS "$ON/api/audit/events?principal=user-42&from=-7d" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).events.length))')

# --- report -------------------------------------------------------------------------------------
p99() { tr ';' '\n' <<<"${RESULTS[$1]}" | awk 'NF { printf "%.1f\n", $6 / 1000 }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
p50() { tr ';' '\n' <<<"${RESULTS[$1]}" | awk 'NF { printf "%.2f\n", $5 / 1000 }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

TICK_US=$((1000000 / $(getconf CLK_TCK)))
per_req() { awk -v t="$1" -v n="$2" -v u="$TICK_US" 'BEGIN { if (t < 0) t = 0; if (n > 0) printf "%.0f", t * u / n; else print "n/a" }'; }

echo
echo "modgate audit bench: warm .mod, wrk -t2, median of $ROUNDS rounds x ${SECS}s, HTTP on loopback, real Postgres (fsync on), $(nproc) cores shared by modgate, Postgres and wrk"
for conns in $CONNS_LIST; do
  O=$(bench_rates "on-$conns" | bench_median_lines) F=$(bench_rates "off-$conns" | bench_median_lines)
  RATIO=$(awk -v a="$O" -v b="$F" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
  COST=$(awk -v a="$O" -v b="$F" 'BEGIN { printf "%.1f", (1 - a / b) * 100 }')
  MET=$(awk -v a="$O" -v b="$F" 'BEGIN { print (a / b >= 0.90 ? "met" : "NOT met") }')
  echo " $conns connections:"
  printf '  MODGATE_AUDIT=off   %7s req/s   p50 %s ms  p99 %s ms   (rounds: %s)\n' "$F" "$(p50 "off-$conns")" "$(p99 "off-$conns")" "$(bench_rates "off-$conns" | paste -sd' ')"
  printf '  audit on            %7s req/s   p50 %s ms  p99 %s ms   (rounds: %s)\n' "$O" "$(p50 "on-$conns")" "$(p99 "on-$conns")" "$(bench_rates "on-$conns" | paste -sd' ')"
  printf '  ratio on/off %s: the audit log costs %s%% of throughput (target < 10%%: %s)\n' "$RATIO" "$COST" "$MET"
  printf '  CPU per request (us): modgate %s off, %s on;  Postgres %s off, %s on\n' \
    "$(per_req "${CPU_MODGATE[off-$conns]}" "${MEASURED[off-$conns]}")" "$(per_req "${CPU_MODGATE[on-$conns]}" "${MEASURED[on-$conns]}")" \
    "$(per_req "${CPU_PG[off-$conns]}" "${MEASURED[off-$conns]}")" "$(per_req "${CPU_PG[on-$conns]}" "${MEASURED[on-$conns]}")"
  printf '  wrk errors (socket + non-2xx): off %s, on %s\n' "$(bench_errors "off-$conns")" "$(bench_errors "on-$conns")"
done
printf ' audited runs: %s requests completed (wrk, incl. warm-ups), %s events committed (more events: requests in flight when wrk stopped)\n' "$ON_REQUESTS" "$RECORDED"
printf ' CPU used by other processes before / after: %s%% / %s%%%s\n' "$BUSY_BEFORE" "$BUSY_AFTER" \
  "$([ "$BUSY_BEFORE" -gt 15 ] || [ "$BUSY_AFTER" -gt 15 ] && echo '  (other processes were competing: numbers are noisy)')"
echo
echo "admin API query latency over $TOTAL_EVENTS events ($TABLE_SIZE with indexes; generated in ${GEN_SECS}s), 100 per page, 20 calls each, end to end through HTTP:"
printf '  %-70s %8s %8s %8s\n' 'query' 'median' 'p95' 'max (ms)'
for i in "${!QUERY_NAMES[@]}"; do
  read -r med p95 max <<<"${QUERY_RESULTS[$i]}"
  printf '  %-70s %8s %8s %8s\n' "${QUERY_NAMES[$i]}" "$med" "$p95" "$max"
done
read -r med p95 max <<<"$RADIUS"
printf '  %-70s %8s %8s %8s\n' "blast radius of github.com/acme/lib-7@v1.17.0" "$med" "$p95" "$max"
read -r med p95 max <<<"$SUMMARY"
printf '  %-70s %8s %8s %8s\n' "summary, last 7 days (every event of the week; 5 calls)" "$med" "$p95" "$max"
printf '  (sanity: the first query returned %s events)\n' "$VERIFY_SAMPLE"
