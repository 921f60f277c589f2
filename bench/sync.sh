#!/usr/bin/env bash
# Webhook-driven sync latency: a private repository with 500 tags, then 20 times a new tag pushed
# to the origin and a signed GitHub push delivery sent to modgate; each latency is from the POST
# to the moment @v/list names the new version (whose .info/.mod/.zip must already be in the blob
# store then: pre-built by the sync, not built on demand). Prints p50/p95/min/max.
#
# A benchmark, not a test: it always exits 0 once it has measured, whatever the numbers.
# Run: bash bench/sync.sh   (under a minute; BENCH_SKIP_BUILD=1 uses the existing dist,
#   BENCH_SYNC_TAGS=N / BENCH_SYNC_PUSHES=N change the fixture, BENCH_SYNC_TRACE_GIT=1 logs every
#   git command modgate runs and prints where each sync's time went (adds ~1 ms per git call),
#   BENCH_SYNC_DB=postgres runs modgate on a throwaway local Postgres instead of the embedded Postgres;
#   BENCH_SYNC_DB=pglite on the embedded PGlite)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=bench
. "$BENCH_DIR/lib.sh"
. "$BENCH_DIR/sync-lib.sh"

TAGS=${BENCH_SYNC_TAGS:-500}
PUSHES=${BENCH_SYNC_PUSHES:-20}
TRACE_GIT=${BENCH_SYNC_TRACE_GIT:-0}
DB_KIND=${BENCH_SYNC_DB:-embedded}
case $DB_KIND in embedded | pglite | postgres) ;; *) bench_die "BENCH_SYNC_DB must be embedded, pglite or postgres, not $DB_KIND" ;; esac
TARGET_P50_MS=1000
LISTED_TIMEOUT_MS=15000
MAIN=dist/apps/modgate/src/main.js
MODULE=git.corp.example/acme/bench
REPO_URL=https://git.corp.example/acme/bench
FULL_NAME=acme/bench

bench_require_commands git=git curl=curl node=nodejs awk=gawk

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-bench-sync.XXXXXX")
# As root the embedded Postgres runs as an unprivileged user, who must pass through this dir.
chmod 711 "$BENCH_TMP"
PG_DIR=''
MODGATE_PID=''

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ] && [ -s "$BENCH_TMP/modgate.log" ]; then
    echo "bench: last 20 lines of the modgate log:" >&2
    tail -n 20 "$BENCH_TMP/modgate.log" >&2
  fi
  bench_stop_modgate
  if [ -n "$PG_DIR" ]; then
    bench_pg_stop "$PG_DIR"
    rm -rf "$PG_DIR"
  fi
  rm -rf "$BENCH_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build -------------------------------------------------------------------------------------
bench_build "$MAIN"

# --- origin repository -------------------------------------------------------------------------
REPOS=$BENCH_TMP/repos
ORIGIN=$REPOS/acme/bench.git
mkdir -p "$BENCH_TMP/home"
bench_log "creating the origin $ORIGIN: $TAGS commits tagged v1.0.0 ... v1.0.$((TAGS - 1))"
fixture_start=$EPOCHREALTIME
bench_sync_make_origin "$ORIGIN" "$MODULE" "$TAGS"
[ "$(bench_git --git-dir="$ORIGIN" tag | wc -l)" = "$TAGS" ] || bench_die "the origin does not have $TAGS tags"
bench_log "origin ready in $(awk -v a="$fixture_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"

# --- modgate -----------------------------------------------------------------------------------
SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$BENCH_TMP/modgate.yaml" <<EOF
webhookSecret: { env: MODGATE_BENCH_WEBHOOK_SECRET }
origins:
  - pattern: git.corp.example/acme/*
    url: file://$REPOS/acme/{repo}.git
EOF
MODGATE_PORT=$(bench_free_port)
MODGATE=http://127.0.0.1:$MODGATE_PORT
DATA=$BENCH_TMP/modgate-data
LOG=$BENCH_TMP/modgate.log
GIT_TRACE_LOG=$BENCH_TMP/git-trace.log
MODGATE_PATH=$PATH
DB_ENV=()
DB_DESC='embedded Postgres'
[ "$DB_KIND" = pglite ] && DB_ENV=(MODGATE_EMBEDDED_DB=pglite) DB_DESC='embedded PGlite'
if [ "$DB_KIND" = postgres ]; then
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/modgate-bench-sync-pg.XXXXXX")
  PG_PORT=$(bench_free_port)
  bench_log "starting a throwaway Postgres on 127.0.0.1:$PG_PORT"
  bench_pg_start "$PG_DIR" "$PG_PORT"
  DB_ENV=(DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres")
  DB_DESC="Postgres $("$BENCH_PG_BIN/postgres" --version | awk '{ print $3 }') (local, default durability)"
fi
if [ "$TRACE_GIT" = 1 ]; then
  bench_sync_git_wrapper "$BENCH_TMP/git-wrapper" "$GIT_TRACE_LOG"
  : >"$GIT_TRACE_LOG"
  MODGATE_PATH=$BENCH_TMP/git-wrapper:$PATH
fi

# start_modgate AUTH_OFF(0|1): a clean environment (no setting of the host leaks in: DATABASE_URL
# only with BENCH_SYNC_DB=postgres);
# polling off, so only webhooks make modgate look at the origin; the list TTL at its maximum, so a
# list request is answered from the index and never fetches by itself.
start_modgate() {
  local auth_off=$1
  local -a auth=()
  [ "$auth_off" = 1 ] && auth=(MODGATE_AUTH=off)
  rm -rf "$DATA"
  mkdir -p "$DATA"
  env -i PATH="$MODGATE_PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC NO_COLOR=1 \
    MODGATE_LISTEN="127.0.0.1:$MODGATE_PORT" \
    MODGATE_DATA_DIR="$DATA" \
    MODGATE_UPSTREAM=off \
    MODGATE_SUMDB=off \
    MODGATE_CONFIG="$BENCH_TMP/modgate.yaml" \
    MODGATE_POLL_INTERVAL_SECONDS=0 \
    MODGATE_LIST_TTL_SECONDS=86400 \
    MODGATE_BENCH_WEBHOOK_SECRET="$SECRET" \
    "${DB_ENV[@]}" "${auth[@]}" \
    node "$MAIN" >"$LOG" 2>&1 &
  MODGATE_PID=$!
  bench_log "waiting for modgate (pid $MODGATE_PID, $DB_DESC, $([ "$auth_off" = 1 ] && echo MODGATE_AUTH=off || echo 'MODGATE_AUTH unset')) on $MODGATE/healthz"
  bench_wait_http "$MODGATE/healthz" 60 "$MODGATE_PID"
}

# Sets WHY: modgate's exit status (128+N: killed by signal N), or that it is still starting.
start_failure() {
  if kill -0 "$MODGATE_PID" 2>/dev/null; then
    WHY="modgate did not answer /healthz with 200 within 60 s"
  else
    local status=0
    wait "$MODGATE_PID" 2>/dev/null || status=$?
    MODGATE_PID=''
    WHY="modgate exited during start with status $status"
  fi
}

# Reads need no credentials only with MODGATE_AUTH=off (allowed on loopback without TLS). A build
# that does not know the setting ignores it; one that refuses it stops at start naming it: then
# start again without it.
AUTH_MODE='MODGATE_AUTH=off'
if ! start_modgate 1; then
  start_failure
  if [ -z "$MODGATE_PID" ] && grep -qiE 'MODGATE_AUTH|authMode|\bauth\b' "$LOG"; then
    bench_log "$WHY; it refused MODGATE_AUTH=off:"
    sed 's/^/bench:   /' "$LOG" >&2
    AUTH_MODE='MODGATE_AUTH unset (MODGATE_AUTH=off was refused at start)'
    start_modgate 0 || { start_failure; bench_die "$WHY (without MODGATE_AUTH)"; }
  else
    bench_die "$WHY"
  fi
fi

# --- warm: the first list request mirrors the repository ---------------------------------------
LIST_URL=$MODGATE/$MODULE/@v/list
bench_log "warm: GET /$MODULE/@v/list until it names $TAGS versions (first mirror of the origin)"
warm_start=$EPOCHREALTIME
deadline=$((SECONDS + 60))
while :; do
  code=$(curl -s -o "$BENCH_TMP/list.txt" -w '%{http_code}' --max-time 60 "$LIST_URL" || true)
  case $code in
    401 | 403) bench_die "modgate answers $code to @v/list ($AUTH_MODE): this bench needs anonymous reads on loopback" ;;
    4?? | 5??) bench_die "modgate answers $code to @v/list ($AUTH_MODE): $(head -c 300 "$BENCH_TMP/list.txt")" ;;
  esac
  count=$(grep -c . "$BENCH_TMP/list.txt" 2>/dev/null || true)
  [ "$code" = 200 ] && [ "$count" = "$TAGS" ] && break
  [ "$SECONDS" -lt "$deadline" ] || bench_die "@v/list answered $code with ${count:-0} versions, not $TAGS, for 60 s"
  kill -0 "$MODGATE_PID" 2>/dev/null || bench_die "modgate died during the warm-up"
  sleep 0.2
done
WARM_S=$(awk -v a="$warm_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
bench_log "warm: $TAGS versions listed after $WARM_S s"

# --- measure -----------------------------------------------------------------------------------
DRIVER=$BENCH_TMP/push.mjs
bench_sync_write_driver "$DRIVER"
: >"$BENCH_TMP/latency.txt"
: >"$BENCH_TMP/sync-ms.txt"
: >"$BENCH_TMP/overhead.txt"
: >"$BENCH_TMP/zip-ms.txt"
NOT_PREBUILT=0
GIT_DURING_ZIP=0
# where_time_went FROM_LINE TO_LINE: of the traced git calls, how many ran, for how long in all,
# over what span (first start to last end: the rest of the span is modgate's own work between
# them), then "subcommand xN total_ms" per subcommand.
where_time_went() {
  sed -n "$(($1 + 1)),$2p" "$GIT_TRACE_LOG" | awk '
    { n[$4]++; d = ($2 - $1) * 1000; t[$4] += d; all += d; calls++
      if (first == "" || $1 < first) first = $1; if ($2 > last) last = $2 }
    END {
      if (calls == 0) { print "no git calls"; exit }
      printf "%d calls running %.0f ms in a %.0f ms span;", calls, all, (last - first) * 1000
      for (s in n) printf " %s x%d %.0f ms,", s, n[s], t[s]
    }' | sed 's/,$//'
}

BUSY_BEFORE=$(bench_busy_pct 1 "$MODGATE_PID")
bench_log "measuring $PUSHES pushes"
echo
for ((i = 0; i < PUSHES; i++)); do
  version=v1.1.$i
  # Commit dates continue after the fixture's, one minute apart.
  commit=$(bench_sync_push_tag "$ORIGIN" "$MODULE" "$version" $(((TAGS + i) * 60)))
  delivery=bench-$i-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
  trace_before=0
  [ "$TRACE_GIT" = 1 ] && trace_before=$(wc -l <"$GIT_TRACE_LOG")
  set +e
  result=$(env -i PATH="$PATH" BASE="$MODGATE" MODULE="$MODULE" VERSION="$version" COMMIT="$commit" \
    DELIVERY="$delivery" SECRET="$SECRET" BLOBS="$DATA/blobs" TIMEOUT_MS="$LISTED_TIMEOUT_MS" \
    REPO_URL="$REPO_URL" FULL_NAME="$FULL_NAME" node "$DRIVER")
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    [ "$rc" = 4 ] && bench_die "push $((i + 1)): $result ($AUTH_MODE): this bench needs anonymous reads on loopback"
    bench_die "push $((i + 1)) ($version): ${result:-the driver failed}"
  fi
  read -r latency _status polls prebuilt zip_ms _zip_bytes <<<"$result"
  # modgate logs the sync after publishing the list: wait for the line (a few ms at most).
  synced=''
  for _ in $(seq 300); do
    synced=$(grep -F "synced $MODULE (webhook github:$delivery):" "$LOG" | tail -n 1 || true)
    [ -n "$synced" ] && break
    sleep 0.01
  done
  [ -n "$synced" ] || bench_die "push $((i + 1)): no 'synced' line for delivery $delivery in the modgate log"
  # The same pattern reads a text log line and a JSON one (whose message is followed by more keys).
  sync_ms=$(sed -E 's/.* ([0-9]+) version\(s\) pre-built, ([0-9]+) ms.*/\2/' <<<"$synced")
  built=$(sed -E 's/.* ([0-9]+) version\(s\) pre-built, ([0-9]+) ms.*/\1/' <<<"$synced")
  [[ $sync_ms =~ ^[0-9]+$ && $built =~ ^[0-9]+$ ]] || bench_die "push $((i + 1)): cannot read the sync time from: $synced"
  [ "$prebuilt" = yes ] && [ "$built" = 1 ] || NOT_PREBUILT=$((NOT_PREBUILT + 1))
  echo "$latency" >>"$BENCH_TMP/latency.txt"
  echo "$sync_ms" >>"$BENCH_TMP/sync-ms.txt"
  echo "$zip_ms" >>"$BENCH_TMP/zip-ms.txt"
  awk -v l="$latency" -v s="$sync_ms" 'BEGIN { printf "%.1f\n", l - s }' >>"$BENCH_TMP/overhead.txt"
  printf 'push %2d  %-8s  listed after %7.1f ms   (sync %4s ms, %s pre-built, blobs there when listed: %s; %d list polls; .zip then %s ms)\n' \
    $((i + 1)) "$version" "$latency" "$sync_ms" "$built" "$prebuilt" "$polls" "$zip_ms"
  if [ "$TRACE_GIT" = 1 ]; then
    printf '         git during the sync and the .zip GET: %s\n' "$(where_time_went "$trace_before" "$(wc -l <"$GIT_TRACE_LOG")")"
  fi
done
kill -0 "$MODGATE_PID" 2>/dev/null || bench_die "modgate died during the benchmark"
RSS_MB=$(bench_rss_now "$MODGATE_PID" 2>/dev/null || echo '?')
BUSY_AFTER=$(bench_busy_pct 1 "$MODGATE_PID")

# Each sync archives its one new version once; an archive more would be a .zip built on demand.
if [ "$TRACE_GIT" = 1 ]; then
  zip_git=$(awk '$4 == "archive"' "$GIT_TRACE_LOG" | wc -l)
  GIT_DURING_ZIP=$((zip_git - PUSHES))
fi

# --- report ------------------------------------------------------------------------------------
read -r P50 P95 MIN MAX MEAN < <(bench_sync_stats "$BENCH_TMP/latency.txt")
read -r S50 S95 SMIN SMAX _ < <(bench_sync_stats "$BENCH_TMP/sync-ms.txt")
read -r O50 O95 _ _ _ < <(bench_sync_stats "$BENCH_TMP/overhead.txt")
read -r Z50 _ _ ZMAX _ < <(bench_sync_stats "$BENCH_TMP/zip-ms.txt")
verdict=$(awk -v p="$P50" -v t="$TARGET_P50_MS" 'BEGIN { print (p + 0 < t + 0 ? "met" : "NOT met") }')
r() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }

echo
echo "modgate sync bench: tag push -> signed webhook -> listed and pre-built ($TAGS-tag repository, $PUSHES pushes)"
printf 'p50 %s ms   p95 %s ms   min %s ms   max %s ms   (target p50 < %s ms: %s)\n' \
  "$(r "$P50")" "$(r "$P95")" "$(r "$MIN")" "$(r "$MAX")" "$TARGET_P50_MS" "$verdict"
echo
echo "details: latency = POST /webhooks/github -> first @v/list naming the version (polled every 10 ms); mean $(r "$MEAN") ms"
printf '  modgate sync (its log: fetch, version list over %s+ tags, pre-build, publish): p50 %s ms, p95 %s ms, min %s, max %s\n' \
  "$TAGS" "$S50" "$S95" "$SMIN" "$SMAX"
printf '  outside the sync (delivery stored, job claimed, polling granularity): p50 %s ms, p95 %s ms\n' "$(r "$O50")" "$(r "$O95")"
printf '  pre-built: %d of %d versions had .info/.mod/.zip in the blob store when first listed, and a sync line saying 1 pre-built\n' \
  $((PUSHES - NOT_PREBUILT)) "$PUSHES"
printf '  .zip GET right after listing: p50 %s ms, max %s ms\n' "$Z50" "$ZMAX"
[ "$TRACE_GIT" = 1 ] && printf '  git archive calls beyond one per sync (i.e. zips built on demand): %s\n' "$GIT_DURING_ZIP"
printf '  warm-up (first mirror and list of %s tags): %s s; modgate: %s, %s, RSS %s MB at the end\n' \
  "$TAGS" "$WARM_S" "$DB_DESC" "$AUTH_MODE" "$RSS_MB"
printf '  CPU used by other processes (not modgate), before / after the pushes: %s%% / %s%%' "$BUSY_BEFORE" "$BUSY_AFTER"
if [ "$BUSY_BEFORE" -gt 15 ] || [ "$BUSY_AFTER" -gt 15 ]; then
  printf '  (other processes were competing: numbers are noisy)\n'
else
  printf '\n'
fi
bench_report_log_problems "$LOG"
