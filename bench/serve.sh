#!/usr/bin/env bash
# modgate vs nginx: the same cached .mod and ~20 MB .zip served by modgate (from its blob store)
# and by nginx (static files), on this machine, in one run. Prints req/s and MB/s of both, their
# ratio next to the targets, and modgate's RSS during 50 concurrent zip downloads.
#
# A benchmark, not a test: it always exits 0 once it has measured, whatever the numbers.
# Run: npm run bench   (about 1.5 minutes; BENCH_SECONDS=N changes each measured wrk run,
#   BENCH_SKIP_BUILD=1 uses the existing dist instead of running npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PATH:/usr/sbin:/sbin"   # nginx
BENCH_DIR=bench
. "$BENCH_DIR/lib.sh"

SECS=${BENCH_SECONDS:-10}
WARM_SECS=2
MAIN=dist/apps/modgate/src/main.js
CORES=$(nproc)

bench_require_commands "${BENCH_SERVE_NEEDS[@]}"

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-bench.XXXXXX")
MODGATE_PID='' NGINX_PID='' SAMPLER_PID=''

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  if [ "$status" -ne 0 ]; then
    if [ -s "$BENCH_TMP/modgate.log" ]; then
      echo "bench: last 20 lines of the modgate log:" >&2
      tail -n 20 "$BENCH_TMP/modgate.log" >&2
    fi
    if [ -s "$BENCH_TMP/nginx-error.log" ]; then
      echo "bench: last 20 lines of the nginx error log:" >&2
      tail -n 20 "$BENCH_TMP/nginx-error.log" >&2
    fi
  fi
  local pid
  for pid in "$MODGATE_PID" "$NGINX_PID"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "$MODGATE_PID" "$NGINX_PID"; do
    [ -z "$pid" ] && continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  # The go command leaves its module cache read-only.
  chmod -R u+w "$BENCH_TMP" 2>/dev/null
  rm -rf "$BENCH_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build -------------------------------------------------------------------------------------
bench_build "$MAIN"

# --- fixture -----------------------------------------------------------------------------------
bench_log "creating the fixture github.com/bench/big@v1.0.0 (go mod download, offline)"
TREE=$(bench_make_fixture "$BENCH_TMP")
MOD_PATH=github.com/bench/big/@v/v1.0.0
ZIP_BYTES=$(stat -c %s "$TREE/$MOD_PATH.zip")
MOD_BYTES=$(stat -c %s "$TREE/$MOD_PATH.mod")

# --- nginx: baseline and upstream --------------------------------------------------------------
NGINX_PORT=$(bench_free_port)
UP_PORT=$(bench_free_port)
while [ "$UP_PORT" = "$NGINX_PORT" ]; do UP_PORT=$(bench_free_port); done
bench_nginx_conf "$BENCH_TMP" "$TREE" "$NGINX_PORT" "$UP_PORT"
nginx -t -q -c "$BENCH_TMP/nginx.conf" -p "$BENCH_TMP" -e "$BENCH_TMP/nginx-error.log" \
  || bench_die "nginx rejects the generated configuration"
nginx -c "$BENCH_TMP/nginx.conf" -p "$BENCH_TMP" -e "$BENCH_TMP/nginx-error.log" >"$BENCH_TMP/nginx.out" 2>&1 &
NGINX_PID=$!
NGINX=http://127.0.0.1:$NGINX_PORT
bench_wait_http "$NGINX/$MOD_PATH.mod" 10 "$NGINX_PID" || bench_die "nginx did not start"
bench_wait_http "http://127.0.0.1:$UP_PORT/$MOD_PATH.mod" 10 "$NGINX_PID" || bench_die "the upstream nginx server did not start"

# --- modgate -----------------------------------------------------------------------------------
MODGATE_PORT=$(bench_free_port)
MODGATE=http://127.0.0.1:$MODGATE_PORT
mkdir -p "$BENCH_TMP/modgate-data"
# A clean environment: no DATABASE_URL, MODGATE_CONFIG or other setting of the host leaks in.
# MODGATE_AUTH=off (loopback, no TLS): this measures serving; bench/auth.sh measures what auth adds.
env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC NO_COLOR=1 \
  MODGATE_LISTEN="127.0.0.1:$MODGATE_PORT" \
  MODGATE_DATA_DIR="$BENCH_TMP/modgate-data" \
  MODGATE_UPSTREAM="http://127.0.0.1:$UP_PORT" \
  MODGATE_SUMDB=off \
  MODGATE_AUTH=off \
  MODGATE_LOG_LEVEL="${BENCH_LOG_LEVEL:-info}" \
  node "$MAIN" >"$BENCH_TMP/modgate.log" 2>&1 &
MODGATE_PID=$!
bench_log "waiting for modgate (pid $MODGATE_PID) on $MODGATE/healthz"
if ! bench_wait_http "$MODGATE/healthz" 30 "$MODGATE_PID"; then
  kill -0 "$MODGATE_PID" 2>/dev/null || bench_die "modgate exited during start"
  bench_die "modgate did not answer /healthz with 200 within 30 s"
fi
RSS_IDLE=$(bench_rss_now "$MODGATE_PID")

# --- warm modgate's cache and check it serves the same bytes as nginx --------------------------
UPSTREAM_HITS_START=$(wc -l <"$BENCH_TMP/upstream-access.log")
for ext in info mod zip; do
  curl -fsS --max-time 60 -o "$BENCH_TMP/modgate.$ext" "$MODGATE/$MOD_PATH.$ext" \
    || bench_die "modgate failed to serve $MOD_PATH.$ext"
  curl -fsS --max-time 60 -o "$BENCH_TMP/nginx.$ext" "$NGINX/$MOD_PATH.$ext" \
    || bench_die "nginx failed to serve $MOD_PATH.$ext"
done
for ext in mod zip; do
  a=$(sha256sum <"$BENCH_TMP/modgate.$ext" | cut -d' ' -f1)
  b=$(sha256sum <"$BENCH_TMP/nginx.$ext" | cut -d' ' -f1)
  [ "$a" = "$b" ] || bench_die "modgate's .$ext differs from nginx's (sha256 $a vs $b)"
done
rm -f "$BENCH_TMP"/modgate.zip "$BENCH_TMP"/nginx.zip
UPSTREAM_HITS_WARM=$(wc -l <"$BENCH_TMP/upstream-access.log")
bench_log "warm: modgate cached .info/.mod/.zip (zip $ZIP_BYTES bytes, sha256 matches nginx) with $((UPSTREAM_HITS_WARM - UPSTREAM_HITS_START)) upstream requests"

# --- measure -----------------------------------------------------------------------------------
# bench_pair KIND URLPATH CONNS: warm-up then measured run against nginx, then modgate.
# Sets R_nginx / R_modgate to "requests bytes duration_us errors p50_us p99_us".
bench_pair() {
  local kind=$1 path=$2 conns=$3 server base result
  for server in nginx modgate; do
    if [ "$server" = nginx ]; then base=$NGINX; else base=$MODGATE; fi
    bench_log "wrk $kind $server: -t2 -c$conns, ${WARM_SECS}s warm-up + ${SECS}s"
    bench_wrk "$kind-$server-warmup" "$base/$path" 2 "$conns" "$WARM_SECS" >/dev/null
    result=$(bench_wrk "$kind-$server" "$base/$path" 2 "$conns" "$SECS")
    printf -v "R_$server" "%s" "$result"
  done
}

BUSY_BEFORE=$(bench_busy_pct 1 "$MODGATE_PID" "$NGINX_PID")
bench_pair mod "$MOD_PATH.mod" 64
MOD_NGINX=$R_nginx MOD_MODGATE=$R_modgate
bench_pair zip "$MOD_PATH.zip" 8
ZIP_NGINX=$R_nginx ZIP_MODGATE=$R_modgate

bench_log "wrk zip modgate: -t2 -c50 ${SECS}s while sampling VmRSS every 100 ms"
: >"$BENCH_TMP/rss.txt"
bench_rss_sampler "$MODGATE_PID" "$BENCH_TMP/rss.txt" &
SAMPLER_PID=$!
sleep 0.5
RSS_RUN=$(bench_wrk zip-modgate-c50 "$MODGATE/$MOD_PATH.zip" 2 50 "$SECS")
sleep 1
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=''
kill -0 "$MODGATE_PID" 2>/dev/null || bench_die "modgate died during the benchmark"
read -r RSS_START RSS_MIN RSS_MAX RSS_END RSS_SAMPLES < <(bench_rss_summary "$BENCH_TMP/rss.txt") \
  || bench_die "no RSS samples"

BUSY_AFTER=$(bench_busy_pct 1 "$MODGATE_PID" "$NGINX_PID")
UPSTREAM_HITS=$(( $(wc -l <"$BENCH_TMP/upstream-access.log") - UPSTREAM_HITS_WARM ))

# --- report ------------------------------------------------------------------------------------
# rate "requests bytes duration_us ..." -> req/s; mbps BODY_BYTES "..." -> MB/s of bodies (1 MB = 1e6 B)
rate() { awk -v r="$1" 'BEGIN { split(r, a, " "); printf "%.0f", a[1] / (a[3] / 1e6) }'; }
mbps() { awk -v s="$1" -v r="$2" 'BEGIN { split(r, a, " "); printf "%.0f", a[1] * s / (a[3] / 1e6) / 1e6 }'; }
errs() { awk -v r="$1" 'BEGIN { split(r, a, " "); print a[4] }'; }
p99ms() { awk -v r="$1" 'BEGIN { split(r, a, " "); printf "%.1f", a[6] / 1000 }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { met = (r + 0 >= t + 0); print (met ? "met" : "NOT met") }'; }

mod_n=$(rate "$MOD_NGINX") mod_m=$(rate "$MOD_MODGATE")
zip_n=$(mbps "$ZIP_BYTES" "$ZIP_NGINX") zip_m=$(mbps "$ZIP_BYTES" "$ZIP_MODGATE")
zipr_n=$(rate "$ZIP_NGINX") zipr_m=$(rate "$ZIP_MODGATE")
mod_ratio=$(bench_ratio "$mod_m" "$mod_n") zip_ratio=$(bench_ratio "$zip_m" "$zip_n")

echo
echo "modgate bench (same machine, same run; HTTP on loopback for both; $CORES cores shared by servers and wrk)"
printf '.mod   nginx %7s req/s   modgate %7s req/s   ratio %s  (target >= 0.5: %s)\n' \
  "$mod_n" "$mod_m" "$mod_ratio" "$(verdict "$mod_ratio" 0.5)"
printf '.zip   nginx %7s MB/s    modgate %7s MB/s    ratio %s  (target >= 0.8: %s)\n' \
  "$zip_n" "$zip_m" "$zip_ratio" "$(verdict "$zip_ratio" 0.8)"
printf 'RSS during 50 concurrent zip downloads: start %s MB, min %s MB, max %s MB, end %s MB  (%s samples; %s MB idle after start)\n' \
  "$RSS_START" "$RSS_MIN" "$RSS_MAX" "$RSS_END" "$RSS_SAMPLES" "$RSS_IDLE"
echo
echo "details: .mod $MOD_BYTES bytes, -t2 -c64 ${SECS}s; .zip $ZIP_BYTES bytes, -t2 -c8 ${SECS}s; MB = 1e6 bytes of response bodies"
printf '  .mod p99 latency: nginx %s ms, modgate %s ms\n' "$(p99ms "$MOD_NGINX")" "$(p99ms "$MOD_MODGATE")"
printf '  .zip req/s: nginx %s, modgate %s; p99 latency: nginx %s ms, modgate %s ms\n' \
  "$zipr_n" "$zipr_m" "$(p99ms "$ZIP_NGINX")" "$(p99ms "$ZIP_MODGATE")"
printf '  50 concurrent: modgate %s MB/s, %s req/s, p99 %s ms\n' \
  "$(mbps "$ZIP_BYTES" "$RSS_RUN")" "$(rate "$RSS_RUN")" "$(p99ms "$RSS_RUN")"
total_errs=0
for r in "$MOD_NGINX" "$MOD_MODGATE" "$ZIP_NGINX" "$ZIP_MODGATE" "$RSS_RUN"; do
  total_errs=$((total_errs + $(errs "$r")))
done
printf '  wrk errors (socket + non-2xx) over all measured runs: %s; upstream requests after warm-up: %s\n' \
  "$total_errs" "$UPSTREAM_HITS"
if [ "$total_errs" -ne 0 ]; then
  echo "  (errors: see 'Socket errors' / 'Non-2xx' in the wrk outputs below)"
  grep -H -E 'Socket errors|Non-2xx' "$BENCH_TMP"/wrk-*.txt | sed "s|$BENCH_TMP/||" || true
fi
bench_report_log_problems "$BENCH_TMP/modgate.log"
printf '  CPU used by other processes (not modgate or nginx), before / after the measurements: %s%% / %s%%' "$BUSY_BEFORE" "$BUSY_AFTER"
if [ "$BUSY_BEFORE" -gt 15 ] || [ "$BUSY_AFTER" -gt 15 ]; then
  printf '  (other processes were competing: numbers are noisy)\n'
else
  printf '\n'
fi
