#!/usr/bin/env bash
# What the vulnerability index costs on the pull path: warm `.mod` pulls from two modgates that
# differ only in their imported Go vulnerability database — 10,000 generated advisories (three on
# the benchmarked module, whose ranges leave the pulled version unaffected, so every request looks
# its module up and walks its ranges) versus none — both in block mode, measured in alternating
# rounds in the same run. Prints req/s, the ratio and the server CPU per request.
# Target: 10,000 advisories cost < 5% (with/without >= 0.95).
#
# Both run on PGlite with MODGATE_AUTH=off and MODGATE_AUDIT=off (loopback, no TLS), so only the
# advisory index differs. A benchmark, not a test: it exits 0 once it has measured.
# Run: bash bench/vuln.sh   (about 1 minute; BENCH_SECONDS=N per measured run, default 5;
#   BENCH_ROUNDS=N rounds, default 3; BENCH_ADVISORIES=N, default 10000; BENCH_SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=bench
. "$BENCH_DIR/lib.sh"
. "$BENCH_DIR/audit-lib.sh"

SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
ADVISORIES=${BENCH_ADVISORIES:-10000}
WARM_SECS=2
CONNS=64
MAIN=dist/apps/modgate/src/main.js
CLI=dist/apps/modgate-cli/src/main.js
MOD_PATH=example.com/bench/audit/@v/v1.0.0.mod

bench_require_commands wrk=wrk curl=curl node=nodejs

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-bench-vuln.XXXXXX")
WITH_PID='' NONE_PID='' UP_PID=''
cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ]; then
    for log in modgate-with.log modgate-none.log; do
      [ -s "$BENCH_TMP/$log" ] && { echo "bench: last 20 lines of $log:" >&2; tail -n 20 "$BENCH_TMP/$log" >&2; }
    done
  fi
  bench_stop_process "$WITH_PID"
  bench_stop_process "$NONE_PID"
  bench_stop_process "$UP_PID"
  rm -rf "$BENCH_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_build "$MAIN"

CORES=$(nproc)
PIN_SERVER=() PIN_CLIENT=()
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$CORES" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  PIN_SERVER=(taskset -c $((CORES - 1)))
  PIN_CLIENT=(taskset -c 0-$((CORES - 2)))
fi
wrk() { "${PIN_CLIENT[@]}" "$(type -P wrk)" "$@"; }

UP_PORT=$(bench_free_port)
UP_PID=$(audit_upstream "$BENCH_TMP/upstream" "$UP_PORT")
printf 'policies:\n  vulnerabilities:\n    mode: block\n' >"$BENCH_TMP/modgate.yaml"

start_modgate() {
  local name=$1 port=$2
  env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC NO_COLOR=1 \
    MODGATE_LISTEN="127.0.0.1:$port" \
    MODGATE_DATA_DIR="$BENCH_TMP/$name-data" \
    MODGATE_UPSTREAM="http://127.0.0.1:$UP_PORT" \
    MODGATE_SUMDB=off \
    MODGATE_AUTH=off \
    MODGATE_AUDIT=off \
    MODGATE_CONFIG="$BENCH_TMP/modgate.yaml" \
    "${PIN_SERVER[@]}" node "$MAIN" >"$BENCH_TMP/modgate-$name.log" 2>&1 &
  echo $!
}
WITH_PORT=$(bench_free_port)
NONE_PORT=$(bench_free_port)
while [ "$NONE_PORT" = "$WITH_PORT" ]; do NONE_PORT=$(bench_free_port); done
WITH_PID=$(start_modgate with "$WITH_PORT")
NONE_PID=$(start_modgate none "$NONE_PORT")
WITH=http://127.0.0.1:$WITH_PORT
NONE=http://127.0.0.1:$NONE_PORT
bench_log "generating $ADVISORIES advisories while modgate with (pid $WITH_PID) and without (pid $NONE_PID) advisories start"
GENERATED=$(node "$BENCH_DIR/vuln-fixture.mjs" "$BENCH_TMP/vulndb" "$ADVISORIES")
bench_wait_http "$WITH/healthz" 120 "$WITH_PID" || bench_die "modgate (with advisories) did not start"
bench_wait_http "$NONE/healthz" 120 "$NONE_PID" || bench_die "modgate (without advisories) did not start"

IMPORT_START=$SECONDS
MODGATE_URL=$WITH node "$CLI" vuln import "$BENCH_TMP/vulndb" >"$BENCH_TMP/import.log" 2>&1 || { cat "$BENCH_TMP/import.log" >&2; bench_die "the import failed"; }
IMPORT_SECS=$((SECONDS - IMPORT_START))
bench_log "imported: $(cat "$BENCH_TMP/import.log") in ${IMPORT_SECS}s"
# The other server imports a database without advisories: both went through an import.
node "$BENCH_DIR/vuln-fixture.mjs" "$BENCH_TMP/empty" 0 >/dev/null
MODGATE_URL=$NONE node "$CLI" vuln import "$BENCH_TMP/empty" >/dev/null 2>&1 || bench_die "the empty import failed"

# --- check: same bytes, the index is live (an affected version is refused only where loaded) ----
curl -fsS -o "$BENCH_TMP/with.mod" "$WITH/$MOD_PATH" || bench_die "modgate (with advisories) failed to serve $MOD_PATH"
curl -fsS -o "$BENCH_TMP/none.mod" "$NONE/$MOD_PATH" || bench_die "modgate (without advisories) failed to serve $MOD_PATH"
cmp -s "$BENCH_TMP/with.mod" "$BENCH_TMP/none.mod" || bench_die "the two servers sent different .mod bytes"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$WITH/example.com/bench/audit/@v/v0.9.0.mod")" = 403 ] || bench_die "an affected version was not refused: the advisory index is not loaded"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$NONE/example.com/bench/audit/@v/v0.9.0.mod")" = 404 ] || bench_die "the server without advisories refused an affected version"

# --- measure: rounds alternate the two servers --------------------------------------------------
declare -A RESULTS=([with]='' [none]='')
run() {
  local name=$1 url=$2 pid=$3 result before after
  bench_wrk "$name-warmup" "$url" 2 "$CONNS" "$WARM_SECS" >/dev/null
  before=$(bench_cpu_ticks "$pid")
  result=$(bench_wrk "$name-$round" "$url" 2 "$CONNS" "$SECS")
  after=$(bench_cpu_ticks "$pid")
  RESULTS[$name]+="$result $((after - before));"
}
BUSY_BEFORE=$(bench_busy_pct 1 "$WITH_PID" "$NONE_PID")
for round in $(seq "$ROUNDS"); do
  bench_log "round $round/$ROUNDS: wrk -t2 -c$CONNS ${SECS}s each: without advisories, with $GENERATED"
  run none "$NONE/$MOD_PATH" "$NONE_PID"
  run with "$WITH/$MOD_PATH" "$WITH_PID"
done
BUSY_AFTER=$(bench_busy_pct 1 "$WITH_PID" "$NONE_PID")
kill -0 "$WITH_PID" 2>/dev/null && kill -0 "$NONE_PID" 2>/dev/null || bench_die "a modgate died during the benchmark"

# --- report -------------------------------------------------------------------------------------
HZ=$(getconf CLK_TCK)
cpus() { tr ';' '\n' <<<"${RESULTS[$1]}" | awk -v hz="$HZ" 'NF && $1 > 0 { printf "%.1f\n", $7 * 1e6 / hz / $1 }'; }
# shellcheck disable=SC2046
W=$(bench_median $(bench_rates with)) N=$(bench_median $(bench_rates none))
# shellcheck disable=SC2046
CW=$(bench_median $(cpus with)) CN=$(bench_median $(cpus none))

echo
echo "modgate vulnerability index bench: warm .mod, wrk -t2 -c$CONNS, median of $ROUNDS rounds x ${SECS}s, HTTP on loopback, block mode, $CORES cores$([ ${#PIN_SERVER[@]} -gt 0 ] && echo ": servers pinned to core $((CORES - 1)), wrk to the rest" || echo ' shared by servers and wrk')"
printf '  without advisories          %7.0f req/s   CPU %.1f us/request   (rounds: %s)\n' "$N" "$CN" "$(bench_rates none | paste -sd' ')"
printf '  with %6s advisories      %7.0f req/s   CPU %.1f us/request   (rounds: %s)\n' "$GENERATED" "$W" "$CW" "$(bench_rates with | paste -sd' ')"
awk -v w="$W" -v n="$N" -v cw="$CW" -v cn="$CN" 'BEGIN {
  printf "  ratio with/without %.3f: the index costs %.1f%% of req/s (target < 5%%: %s); %.1f%% more CPU per request\n",
    w / n, (1 - w / n) * 100, (w / n >= 0.95 ? "met" : "NOT met"), (cw / cn - 1) * 100 }'
printf '  import of %s advisories (zip upload, one transaction): %ss\n' "$GENERATED" "$IMPORT_SECS"
printf '  wrk errors (socket + non-2xx): without %s, with %s\n' "$(bench_errors none)" "$(bench_errors with)"
printf '  CPU used by other processes before / after: %s%% / %s%%%s\n' "$BUSY_BEFORE" "$BUSY_AFTER" \
  "$([ "$BUSY_BEFORE" -gt 15 ] || [ "$BUSY_AFTER" -gt 15 ] && echo '  (other processes were competing: numbers are noisy)')"
