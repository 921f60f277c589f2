#!/usr/bin/env bash
# modgate vs the go command in direct mode, for private modules from git, on this machine, in one
# run:
#   1. the first download of a freshly pushed tag through modgate (its git mirror already warm)
#      versus `GOPROXY=direct go mod download` of the same version with an empty module cache, on
#      a repository with ~3000 files and ~300 tags: each of 5 new tags, the medians and their ratio
#      (target <= 0.2);
#   2. modgate's RSS while it builds a ~200 MB module zip (target: flat, bounded), and its h1: sum
#      against the go command's.
#
# The origin is a local bare repository reached by file://; the go command's github.com is
# redirected to it with git's insteadOf (GIT_CONFIG_GLOBAL), so nothing is downloaded and all
# traffic stays on 127.0.0.1. Polling is off (MODGATE_POLL_INTERVAL_SECONDS=0), so no background
# sync pre-builds a new tag before the measured download asks for it.
#
# A benchmark, not a test: it always exits 0 once it has measured, whatever the numbers.
# Run: bash bench/private.sh   (about 2.5 minutes; BENCH_SKIP_BUILD=1 uses the existing dist
#   instead of running npm run build; BENCH_TAGS=N measures N new tags instead of 5)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=bench
. "$BENCH_DIR/lib.sh"
. "$BENCH_DIR/private-lib.sh"

MAIN=dist/apps/modgate/src/main.js
NEW_TAGS=${BENCH_TAGS:-5}
BIG=github.com/benchorg/big
HUGE=github.com/benchorg/huge

bench_require_commands go=golang-go git=git curl=curl node=nodejs jq=jq awk=gawk

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-bench-private.XXXXXX")
MODGATE_PID='' SAMPLER_PID=''

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  if [ "$status" -ne 0 ] && [ -s "$BENCH_TMP/modgate.log" ]; then
    echo "bench: last 20 lines of the modgate log:" >&2
    tail -n 20 "$BENCH_TMP/modgate.log" >&2
  fi
  bench_stop_modgate
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

# --- fixtures ----------------------------------------------------------------------------------
REPOS=$BENCH_TMP/repos
mkdir -p "$REPOS/benchorg" "$BENCH_TMP/home" "$BENCH_TMP/gowork" "$BENCH_TMP/modgate-data"
t0=$(bench_now_ns)
priv_make_big "$REPOS/benchorg/big" 60 50 300
t1=$(bench_now_ns)
BIG_FILES=$(priv_git --git-dir="$REPOS/benchorg/big" ls-tree -r --name-only refs/heads/main | wc -l)
BIG_TAGS=$(priv_git --git-dir="$REPOS/benchorg/big" tag | wc -l)
bench_log "fixture $BIG: $BIG_FILES files, $BIG_TAGS tags ($(bench_secs "$t0" "$t1") s)"
priv_make_huge "$REPOS/benchorg/huge" 20 10
t2=$(bench_now_ns)
bench_log "fixture $HUGE: 20 files of 10 MiB from /dev/urandom, v1.0.0 ($(bench_secs "$t1" "$t2") s)"

# The go command in direct mode reads https://github.com/benchorg/* from the local repositories.
printf '[url "file://%s/"]\n\tinsteadOf = https://github.com/\n[protocol "file"]\n\tallow = always\n' \
  "$REPOS" >"$BENCH_TMP/gitconfig"

# --- modgate -----------------------------------------------------------------------------------
cat >"$BENCH_TMP/modgate.yaml" <<EOF
origins:
  - pattern: github.com/benchorg/*
    url: file://$REPOS/benchorg/{repo}
EOF
PORT=$(bench_free_port)
MODGATE=http://127.0.0.1:$PORT

# start_modgate [EXTRA=VALUE...]: starts modgate with a clean environment (nothing of the host's
# settings leaks in) plus the given settings; returns 1 when it exits during start.
start_modgate() {
  env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC NO_COLOR=1 \
    MODGATE_LISTEN="127.0.0.1:$PORT" \
    MODGATE_DATA_DIR="$BENCH_TMP/modgate-data" \
    MODGATE_CONFIG="$BENCH_TMP/modgate.yaml" \
    MODGATE_UPSTREAM=off \
    MODGATE_SUMDB=off \
    MODGATE_POLL_INTERVAL_SECONDS=0 \
    "$@" \
    node "$MAIN" >"$BENCH_TMP/modgate.log" 2>&1 &
  MODGATE_PID=$!
  bench_log "waiting for modgate (pid $MODGATE_PID) on $MODGATE/healthz"
  if ! bench_wait_http "$MODGATE/healthz" 60 "$MODGATE_PID"; then
    kill -0 "$MODGATE_PID" 2>/dev/null || { wait "$MODGATE_PID" 2>/dev/null || true; MODGATE_PID=''; return 1; }
    bench_die "modgate did not answer /healthz with 200 within 60 s"
  fi
}

# Anonymous access (allowed on a loopback listener without TLS), since the go command sends no
# credentials over plain HTTP. A modgate that predates MODGATE_AUTH may refuse the setting: then
# it is started once more without it.
AUTH_NOTE='MODGATE_AUTH=off'
if ! start_modgate MODGATE_AUTH=off; then
  bench_log "modgate exited during start with MODGATE_AUTH=off; its log:"
  tail -n 5 "$BENCH_TMP/modgate.log" >&2
  bench_log "starting it again without MODGATE_AUTH"
  AUTH_NOTE='without MODGATE_AUTH (refused by this modgate)'
  start_modgate || { cat "$BENCH_TMP/modgate.log" >&2; bench_die "modgate exited during start"; }
fi
RSS_IDLE=$(awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$MODGATE_PID/status")

# get URLPATH OUT: GET through modgate; stops on anything but 200 (401: auth is on).
get() {
  local code
  code=$(curl -sS --max-time 600 -o "$2" -w '%{http_code}' "$MODGATE/$1") || bench_die "GET /$1 failed"
  if [ "$code" = 401 ]; then bench_die "modgate answered 401 to GET /$1: it requires credentials ($AUTH_NOTE)"; fi
  [ "$code" = 200 ] || { head -c 500 "$2" >&2; echo >&2; bench_die "GET /$1: HTTP $code"; }
}

# --- warm the mirrors --------------------------------------------------------------------------
t0=$(bench_now_ns)
get "$BIG/@v/list" "$BENCH_TMP/big.list"
t1=$(bench_now_ns)
LISTED=$(wc -l <"$BENCH_TMP/big.list")
[ "$LISTED" = "$BIG_TAGS" ] || bench_die "modgate lists $LISTED versions of $BIG, the repository has $BIG_TAGS tags"
bench_log "warm: $BIG/@v/list lists $LISTED versions (mirror clone $(bench_secs "$t0" "$t1") s)"

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 1. first download of a new tag -------------------------------------------------------------
# Each round pushes a tag that neither modgate nor any module cache has seen, then downloads it
# both ways with a fresh module cache; the order alternates so neither side always runs first.
MODGATE_TIMES=() DIRECT_TIMES=() SUM_MISMATCH=()
for ((k = 1; k <= NEW_TAGS; k++)); do
  tag=v1.$k.0
  priv_push_tag "$REPOS/benchorg/big" "$tag" $((1800000000 + 60 * k))
  if ((k % 2)); then order='modgate direct'; else order='direct modgate'; fi
  for side in $order; do
    if [ "$side" = modgate ]; then
      tm=$(priv_download "modgate-$tag" "$MODGATE" "$BIG@$tag")
    else
      td=$(priv_download "direct-$tag" direct "$BIG@$tag")
    fi
  done
  MODGATE_TIMES+=("$tm") DIRECT_TIMES+=("$td")
  sm=$(priv_sum "modgate-$tag") sd=$(priv_sum "direct-$tag")
  [ "$sm" = "$sd" ] || SUM_MISMATCH+=("$tag: modgate $sm, direct $sd")
  bench_log "$BIG@$tag: modgate $tm s, direct $td s"
done

# The go command's own share: the same downloads through modgate once built (a cache hit: the
# server answers in milliseconds), so what remains is the client unpacking and hashing the module.
FLOOR_TIMES=()
for ((k = 1; k <= 3 && k <= NEW_TAGS; k++)); do
  FLOOR_TIMES+=("$(priv_download "floor-v1.$k.0" "$MODGATE" "$BIG@v1.$k.0")")
done
bench_log "the go command alone (cached versions through modgate): ${FLOOR_TIMES[*]} s"

# Where modgate's time goes, on one more new tag: each request the go command makes, alone.
tag=v1.$((NEW_TAGS + 1)).0
priv_push_tag "$REPOS/benchorg/big" "$tag" $((1800000000 + 60 * (NEW_TAGS + 1)))
BREAKDOWN=''
for ext in info mod zip info; do
  t0=$(bench_now_ns)
  get "$BIG/@v/$tag.$ext" "$BENCH_TMP/breakdown.$ext"
  t1=$(bench_now_ns)
  BREAKDOWN+=" .$ext $(bench_secs "$t0" "$t1") s,"
done
BIG_ZIP_BYTES=$(stat -c %s "$BENCH_TMP/breakdown.zip")
BREAKDOWN="${BREAKDOWN%,} (the second .info is a cache hit)"

# --- 2. memory while building a ~200 MB module zip ---------------------------------------------
t0=$(bench_now_ns)
get "$HUGE/@v/list" "$BENCH_TMP/huge.list"
t1=$(bench_now_ns)
bench_log "warm: $HUGE/@v/list ($(bench_secs "$t0" "$t1") s for the mirror clone); building $HUGE@v1.0.0.zip"
# The .info first (as the go command does), so the zip request measures the zip alone.
get "$HUGE/@v/v1.0.0.info" "$BENCH_TMP/huge.info"
: >"$BENCH_TMP/rss.txt"
bench_rss_sampler "$MODGATE_PID" "$BENCH_TMP/rss.txt" &
SAMPLER_PID=$!
sleep 0.3
t0=$(bench_now_ns)
get "$HUGE/@v/v1.0.0.zip" "$BENCH_TMP/huge.zip"
t1=$(bench_now_ns)
sleep 1
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=''
HUGE_SECS=$(bench_secs "$t0" "$t1")
HUGE_ZIP_BYTES=$(stat -c %s "$BENCH_TMP/huge.zip")
rm -f "$BENCH_TMP/huge.zip"
read -r RSS_START RSS_MIN RSS_MAX RSS_END RSS_SAMPLES < <(bench_rss_summary "$BENCH_TMP/rss.txt")

# A second fetch is served from the blob store.
t0=$(bench_now_ns)
get "$HUGE/@v/v1.0.0.zip" /dev/null
t1=$(bench_now_ns)
HUGE_CACHED_SECS=$(bench_secs "$t0" "$t1")

# Go-exact content: the go command's sum through modgate (now cached) against direct mode.
bench_log "sum check: $HUGE@v1.0.0 through modgate and in direct mode"
HUGE_VIA_MODGATE_SECS=$(priv_download modgate-huge "$MODGATE" "$HUGE@v1.0.0")
HUGE_DIRECT_SECS=$(priv_download direct-huge direct "$HUGE@v1.0.0")
HUGE_SUM_MODGATE=$(priv_sum modgate-huge)
HUGE_SUM_DIRECT=$(priv_sum direct-huge)

# --- report ------------------------------------------------------------------------------------
MED_M=$(bench_median "${MODGATE_TIMES[@]}")
MED_D=$(bench_median "${DIRECT_TIMES[@]}")
MED_F=$(bench_median "${FLOOR_TIMES[@]}")
RATIO=$(awk -v m="$MED_M" -v d="$MED_D" 'BEGIN { printf "%.2f\n", (d > 0 ? m / d : 0) }')
# Beyond the floor: the time each way spends on top of what the go command does with any proxy.
read -r EX_M EX_D EX_RATIO < <(awk -v m="$MED_M" -v d="$MED_D" -v f="$MED_F" \
  'BEGIN { printf "%.3f %.3f %s\n", m - f, d - f, (d - f > 0 ? sprintf("%.2f", (m - f) / (d - f)) : "n/a") }')
VERDICT=$(awk -v r="$RATIO" 'BEGIN { print (r <= 0.2 ? "meets" : "misses") }')
if [ "$HUGE_SUM_MODGATE" = "$HUGE_SUM_DIRECT" ]; then SAME='identical'; else SAME='DIFFERENT'; fi
if [ ${#SUM_MISMATCH[@]} -eq 0 ]; then BIG_SUMS="$NEW_TAGS/$NEW_TAGS identical"; else BIG_SUMS="DIFFERENT: ${SUM_MISMATCH[*]}"; fi
MB() { awk -v b="$1" 'BEGIN { printf "%.1f\n", b / 1048576 }'; }

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "modgate private-git bench (same machine, same run; $(nproc) cores; $AUTH_NOTE)"
echo "load average before the measurements $LOAD_START, after $LOAD_END (other work on the machine skews the times)"
echo "fixture: $BIG with $BIG_FILES files and $BIG_TAGS tags, origin file://, mirror warm"
printf 'first download of a new tag (mirror warm), median of %d:  modgate %s s   go direct %s s   ratio %s (target <= 0.2: %s)\n' \
  "$NEW_TAGS" "$MED_M" "$MED_D" "$RATIO" "$VERDICT"
echo "  each: modgate [${MODGATE_TIMES[*]}]  direct [${DIRECT_TIMES[*]}]"
echo "  the go command alone (same download, version already built by modgate), median of ${#FLOOR_TIMES[@]}: $MED_F s [${FLOOR_TIMES[*]}]"
echo "  beyond that floor: modgate $EX_M s   go direct $EX_D s   ratio $EX_RATIO"
echo "  modgate alone on one more new tag ($tag, zip $(MB "$BIG_ZIP_BYTES") MB):$BREAKDOWN"
echo "  sums of the new tags, modgate vs direct: $BIG_SUMS"
printf '%s MB module zip: built in %s s (then served from the blob store in %s s), RSS idle %s MB, start %s MB, min %s MB, max %s MB, end %s MB (%s samples; flat = max - start = %s MB, vs a %s MB zip)\n' \
  "$(MB "$HUGE_ZIP_BYTES")" "$HUGE_SECS" "$HUGE_CACHED_SECS" "$RSS_IDLE" "$RSS_START" "$RSS_MIN" "$RSS_MAX" "$RSS_END" "$RSS_SAMPLES" \
  "$((RSS_MAX - RSS_START))" "$(MB "$HUGE_ZIP_BYTES")"
echo "Sum check ($HUGE@v1.0.0): modgate $HUGE_SUM_MODGATE == direct $HUGE_SUM_DIRECT  ($SAME; go mod download: via modgate $HUGE_VIA_MODGATE_SECS s, direct $HUGE_DIRECT_SECS s)"
