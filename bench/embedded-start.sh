#!/usr/bin/env bash
# The embedded default database: seconds from spawning modgate on a fresh data dir to /healthz
# 200, then memory after it sat idle: RSS of modgate plus every process of its database (the
# embedded Postgres and its watcher; none for PGlite, which lives inside modgate), and the same
# as PSS (shared pages split between the processes that map them, so not counted twice).
# Each round: a fresh data dir, a start, a second start on the same dir (restart), medians.
#
# A benchmark, not a test: it always exits 0 once it has measured, whatever the numbers.
# Run: bash bench/embedded-start.sh   (BENCH_ROUNDS=N, default 3; BENCH_IDLE_SECONDS=N, default 5;
#   BENCH_EMBEDDED_DB=postgres|pglite, default modgate's own default; BENCH_SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

ROUNDS=${BENCH_ROUNDS:-3}
IDLE=${BENCH_IDLE_SECONDS:-5}
MAIN=dist/apps/modgate/src/main.js
command -v curl >/dev/null || bench_die "missing commands; install the Debian packages: sudo apt-get install curl"

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-embedded-bench.XXXXXX")
# As root the embedded Postgres runs as an unprivileged user, who must pass through this dir.
chmod 711 "$BENCH_TMP"
MODGATE_PID=''
cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  bench_stop_process "$MODGATE_PID" 100
  rm -rf "$BENCH_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then npm run build >/dev/null; fi

# The database's processes for a data dir: the postmaster, its children, its watcher shell.
database_pids() {
  local pid_file=$1/postgres/postmaster.pid pm
  [ -r "$pid_file" ] || return 0
  pm=$(head -n 1 "$pid_file")
  echo "$pm"
  pgrep -P "$pm" || true
  ps -o ppid= -p "$pm" | tr -d ' '
  pgrep -P "$(ps -o ppid= -p "$pm" | tr -d ' ')" | grep -vx "$pm" || true
}

# kB of a /proc status or smaps_rollup field, summed over PIDs.
sum_kb() {
  local field=$1 file=$2 total=0 pid value
  shift 2
  for pid in "$@"; do
    value=$(awk -v f="$field:" '$1 == f { print $2; exit }' "/proc/$pid/$file" 2>/dev/null || echo 0)
    total=$((total + ${value:-0}))
  done
  echo $((total / 1024))
}

# start_once DATA_DIR: prints "seconds rss_mb pss_mb db_processes modgate_rss_mb".
start_once() {
  local data_dir=$1 port started secs
  port=$(bench_free_port)
  local -a db_env=()
  [ -n "${BENCH_EMBEDDED_DB:-}" ] && db_env=(MODGATE_EMBEDDED_DB="$BENCH_EMBEDDED_DB")
  started=$(bench_now_ns)
  env -i PATH="$PATH" HOME="$BENCH_TMP" LANG=C TZ=UTC NO_COLOR=1 \
    MODGATE_LISTEN="127.0.0.1:$port" MODGATE_DATA_DIR="$data_dir" MODGATE_UPSTREAM=off MODGATE_SUMDB=off \
    "${db_env[@]}" node "$MAIN" >>"$BENCH_TMP/modgate.log" 2>&1 &
  MODGATE_PID=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/healthz" || true)" = 200 ]; do
    kill -0 "$MODGATE_PID" 2>/dev/null || { tail -n 20 "$BENCH_TMP/modgate.log" >&2; bench_die "modgate exited during start"; }
    sleep 0.02
  done
  secs=$(bench_secs "$started" "$(bench_now_ns)")
  sleep "$IDLE"
  local -a pids
  mapfile -t pids < <(echo "$MODGATE_PID"; database_pids "$data_dir")
  echo "$secs $(sum_kb VmRSS status "${pids[@]}") $(sum_kb Pss smaps_rollup "${pids[@]}") $((${#pids[@]} - 1)) $(sum_kb VmRSS status "$MODGATE_PID")"
  bench_stop_process "$MODGATE_PID" 100
  MODGATE_PID=''
}

declare -a FRESH_S FRESH_RSS FRESH_PSS FRESH_OWN AGAIN_S AGAIN_RSS
for round in $(seq "$ROUNDS"); do
  data_dir=$BENCH_TMP/data-$round
  read -r s rss pss procs own < <(start_once "$data_dir")
  FRESH_S+=("$s") FRESH_RSS+=("$rss") FRESH_PSS+=("$pss") FRESH_OWN+=("$own")
  read -r s2 rss2 _ _ _ < <(start_once "$data_dir")
  AGAIN_S+=("$s2") AGAIN_RSS+=("$rss2")
  bench_log "round $round/$ROUNDS: fresh data dir ${s} s to healthy, idle RSS ${rss} MB (PSS ${pss} MB, ${procs} database processes, modgate alone ${own} MB); restart ${s2} s, RSS ${rss2} MB"
done

db=$(grep -o 'database: embedded [A-Za-z]*' "$BENCH_TMP/modgate.log" | head -n 1 || true)
echo "modgate embedded database start: $ROUNDS rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); ${db:-database unknown}"
printf '  fresh data dir: start to /healthz 200 median %s s (runs: %s)\n' "$(bench_median "${FRESH_S[@]}")" "${FRESH_S[*]}"
printf '  idle after %s s: RSS modgate + database median %.0f MB (runs: %s); PSS median %.0f MB; modgate alone RSS median %.0f MB\n' "$IDLE" "$(bench_median "${FRESH_RSS[@]}")" "${FRESH_RSS[*]}" "$(bench_median "${FRESH_PSS[@]}")" "$(bench_median "${FRESH_OWN[@]}")"
printf '  restart on that data dir: median %s s (runs: %s), RSS median %.0f MB\n' "$(bench_median "${AGAIN_S[@]}")" "${AGAIN_S[*]}" "$(bench_median "${AGAIN_RSS[@]}")"
