#!/usr/bin/env bash
# What authentication and policies cost: warm `.mod` requests served by
#   1. modgate with a token (sent as the go command sends it: Basic, token as the password) and
#      RBAC (bindings, a token path restriction, deny rules, no public-module shortcut),
#   2. the same modgate build with MODGATE_AUTH=off (loopback, no TLS), and once more with the same
#      Authorization header sent but ignored (what receiving those bytes costs by itself),
#   3. nginx serving the same file (static baseline),
# measured in alternating rounds on this machine; prints req/s of the three and the ratios.
# Target: auth+RBAC costs < 10% (auth/off >= 0.90).
#
# Both modgates run with MODGATE_AUDIT=off so only authentication and policy differ.
# A benchmark, not a test: it exits 0 once it has measured, whatever the numbers.
# Run: bash bench/auth.sh   (about 1.5 minutes; BENCH_SECONDS=N per measured run, default 5;
#   BENCH_ROUNDS=N rounds, default 3; BENCH_SKIP_BUILD=1 uses the existing dist)
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PATH:/usr/sbin:/sbin"   # nginx
BENCH_DIR=bench
. "$BENCH_DIR/lib.sh"

SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
WARM_SECS=2
CONNS=64
MAIN=dist/apps/modgate/src/main.js
ADMIN_PASSWORD=bench-admin-password-7c1e

bench_require_commands "${BENCH_SERVE_NEEDS[@]}"

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modgate-bench-auth.XXXXXX")
NGINX_PID='' AUTH_PID='' OFF_PID=''

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ]; then
    for log in modgate-auth.log modgate-off.log nginx-error.log; do
      [ -s "$BENCH_TMP/$log" ] && { echo "bench: last 20 lines of $log:" >&2; tail -n 20 "$BENCH_TMP/$log" >&2; }
    done
  fi
  local pid
  for pid in "$AUTH_PID" "$OFF_PID" "$NGINX_PID"; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; done
  for pid in "$AUTH_PID" "$OFF_PID" "$NGINX_PID"; do
    [ -z "$pid" ] && continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  chmod -R u+w "$BENCH_TMP" 2>/dev/null
  rm -rf "$BENCH_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# With 2+ cores the servers share the last core and wrk gets the others (BENCH_PIN=0: no pinning),
# so the client and the server under test do not steal each other's CPU.
CORES=$(nproc)
PIN_SERVER=() PIN_CLIENT=()
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$CORES" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  PIN_SERVER=(taskset -c $((CORES - 1)))
  PIN_CLIENT=(taskset -c 0-$((CORES - 2)))
fi

# bench_wrk runs `wrk`; this wrapper pins it and adds the Authorization header of the run being measured.
WRK_HEADER=''
wrk() {
  if [ -n "$WRK_HEADER" ]; then "${PIN_CLIENT[@]}" "$(type -P wrk)" -H "$WRK_HEADER" "$@"; else "${PIN_CLIENT[@]}" "$(type -P wrk)" "$@"; fi
}

# --- build -------------------------------------------------------------------------------------
bench_build "$MAIN"

# --- fixture and nginx -------------------------------------------------------------------------
bench_log "creating the fixture github.com/bench/big@v1.0.0 (go mod download, offline)"
TREE=$(bench_make_fixture "$BENCH_TMP")
MOD_PATH=github.com/bench/big/@v/v1.0.0.mod
NGINX_PORT=$(bench_free_port)
UP_PORT=$(bench_free_port)
while [ "$UP_PORT" = "$NGINX_PORT" ]; do UP_PORT=$(bench_free_port); done
bench_nginx_conf "$BENCH_TMP" "$TREE" "$NGINX_PORT" "$UP_PORT"
sed -i 's/^worker_processes auto;/worker_processes 1;/' "$BENCH_TMP/nginx.conf"   # one core, like modgate
"${PIN_SERVER[@]}" nginx -c "$BENCH_TMP/nginx.conf" -p "$BENCH_TMP" -e "$BENCH_TMP/nginx-error.log" >"$BENCH_TMP/nginx.out" 2>&1 &
NGINX_PID=$!
NGINX=http://127.0.0.1:$NGINX_PORT
bench_wait_http "$NGINX/$MOD_PATH" 10 "$NGINX_PID" || bench_die "nginx did not start"

# --- two modgates: auth + RBAC, and MODGATE_AUTH=off ------------------------------------------
# The policy makes every request walk the RBAC rules: no public-module shortcut, several bindings
# and deny rules to scan, a token restricted to a path pattern.
cat >"$BENCH_TMP/modgate.yaml" <<'EOF'
policies:
  publicModules: [group:nobody-in-particular]
  bindings:
    - { subjects: [group:payments], role: reader, modules: [git.corp.example/payments/*] }
    - { subjects: [group:platform], role: reader, modules: [git.corp.example/platform/*, git.corp.example/tools/*] }
    - { subjects: [user:alice, user:bob], role: reader, modules: [github.com/acme/*] }
    - { subjects: [token:bench-ci], role: reader, modules: [github.com/bench/*, golang.org/x/*] }
  deny:
    - name: security-baseline
      rules:
        - { module: golang.org/x/text, versions: '<v0.3.8', reason: CVE-2022-32149 }
        - { module: golang.org/x/net, versions: '<v0.7.0', reason: CVE-2022-41723 }
        - { module: github.com/evil/*, reason: malicious publisher }
        - { module: github.com/bench/big, versions: '>=v9.0.0 <v9.1.0 || v8.8.8', reason: never published }
EOF

# start_modgate NAME PORT EXTRA_ENV...: prints the pid.
start_modgate() {
  local name=$1 port=$2
  shift 2
  mkdir -p "$BENCH_TMP/$name-data"
  env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC NO_COLOR=1 \
    MODGATE_LISTEN="127.0.0.1:$port" \
    MODGATE_DATA_DIR="$BENCH_TMP/$name-data" \
    MODGATE_UPSTREAM="http://127.0.0.1:$UP_PORT" \
    MODGATE_SUMDB=off \
    MODGATE_AUDIT=off \
    MODGATE_CONFIG="$BENCH_TMP/modgate.yaml" \
    "$@" \
    "${PIN_SERVER[@]}" node "$MAIN" >"$BENCH_TMP/modgate-$name.log" 2>&1 &
  echo $!
}
AUTH_PORT=$(bench_free_port)
OFF_PORT=$(bench_free_port)
while [ "$OFF_PORT" = "$AUTH_PORT" ]; do OFF_PORT=$(bench_free_port); done
AUTH_PID=$(start_modgate auth "$AUTH_PORT" MODGATE_INITIAL_ADMIN_PASSWORD="$ADMIN_PASSWORD")
OFF_PID=$(start_modgate off "$OFF_PORT" MODGATE_AUTH=off)
AUTH=http://127.0.0.1:$AUTH_PORT
OFF=http://127.0.0.1:$OFF_PORT
bench_log "waiting for modgate with auth (pid $AUTH_PID) and with MODGATE_AUTH=off (pid $OFF_PID)"
bench_wait_http "$AUTH/healthz" 60 "$AUTH_PID" || bench_die "modgate (auth) did not start"
bench_wait_http "$OFF/healthz" 60 "$OFF_PID" || bench_die "modgate (MODGATE_AUTH=off) did not start"
grep -q 'MODGATE_AUTH=off: AUTHENTICATION IS DISABLED' "$BENCH_TMP/modgate-off.log" || bench_die "MODGATE_AUTH=off was not announced at start"

# A service-account token for the CI job, restricted to the benchmark's module path.
TOKEN=$(curl -fsS -u "admin:$ADMIN_PASSWORD" -H 'content-type: application/json' \
  -d '{"name":"bench-ci","owner":"svc-bench","scopes":["read"],"modules":["github.com/bench/*"]}' "$AUTH/api/tokens" |
  node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).token))') || bench_die "creating the token failed"
AUTH_HEADER="Authorization: Basic $(printf 'svc-bench:%s' "$TOKEN" | base64 -w0)"

# --- warm up and check --------------------------------------------------------------------------
[ "$(curl -s -o /dev/null -w '%{http_code}' "$AUTH/$MOD_PATH")" = 401 ] || bench_die "modgate (auth) served $MOD_PATH without credentials"
curl -fsS -H "$AUTH_HEADER" -o "$BENCH_TMP/auth.mod" "$AUTH/$MOD_PATH" || bench_die "modgate (auth) refused the token"
curl -fsS -o "$BENCH_TMP/off.mod" "$OFF/$MOD_PATH" || bench_die "modgate (MODGATE_AUTH=off) failed"
curl -fsS -o "$BENCH_TMP/nginx.mod" "$NGINX/$MOD_PATH" || bench_die "nginx failed"
cmp -s "$BENCH_TMP/auth.mod" "$BENCH_TMP/nginx.mod" && cmp -s "$BENCH_TMP/off.mod" "$BENCH_TMP/nginx.mod" || bench_die "the .mod bytes differ"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH_HEADER" "$AUTH/github.com/other/mod/@v/v1.0.0.mod")" = 403 ] \
  || bench_die "the token's path restriction was not enforced"

# --- measure: rounds alternate the three servers -----------------------------------------------
# Besides req/s, the CPU the server used per request (user+system ticks of its processes during
# the run): on a shared machine it varies much less than throughput does.
declare -A RESULTS=([nginx]='' [auth]='' [off]='' [offhdr]='')
run() {
  local name=$1 url=$2 header=$3 pid=$4
  WRK_HEADER=$header
  bench_wrk "$name-warmup" "$url" 2 "$CONNS" "$WARM_SECS" >/dev/null
  local result before after
  before=$(bench_cpu_ticks "$pid")
  result=$(bench_wrk "$name-$round" "$url" 2 "$CONNS" "$SECS")
  after=$(bench_cpu_ticks "$pid")
  WRK_HEADER=''
  RESULTS[$name]+="$result $((after - before));"
}
BUSY_BEFORE=$(bench_busy_pct 1 "$AUTH_PID" "$OFF_PID" "$NGINX_PID")
for round in $(seq "$ROUNDS"); do
  bench_log "round $round/$ROUNDS: wrk -t2 -c$CONNS ${SECS}s each: nginx, modgate MODGATE_AUTH=off (without, with the header), modgate token+RBAC"
  run nginx "$NGINX/$MOD_PATH" '' "$NGINX_PID"
  run off "$OFF/$MOD_PATH" '' "$OFF_PID"
  # The same bytes on the wire as with auth, ignored: what receiving the header costs by itself.
  run offhdr "$OFF/$MOD_PATH" "$AUTH_HEADER" "$OFF_PID"
  run auth "$AUTH/$MOD_PATH" "$AUTH_HEADER" "$AUTH_PID"
done
BUSY_AFTER=$(bench_busy_pct 1 "$AUTH_PID" "$OFF_PID" "$NGINX_PID")
kill -0 "$AUTH_PID" 2>/dev/null && kill -0 "$OFF_PID" 2>/dev/null || bench_die "a modgate died during the benchmark"

# --- report -------------------------------------------------------------------------------------
p99() { tr ';' '\n' <<<"${RESULTS[$1]}" | awk 'NF { printf "%.1f\n", $6 / 1000 }' | bench_median_lines; }
# CPU microseconds per request of each round (clock ticks are 1/CLK_TCK s).
HZ=$(getconf CLK_TCK)
cpus() { tr ';' '\n' <<<"${RESULTS[$1]}" | awk -v hz="$HZ" 'NF && $1 > 0 { printf "%.1f\n", $7 * 1e6 / hz / $1 }'; }

N=$(bench_rates nginx | bench_median_lines) O=$(bench_rates off | bench_median_lines) A=$(bench_rates auth | bench_median_lines)
COST=$(awk -v a="$A" -v o="$O" 'BEGIN { printf "%.1f", (1 - a / o) * 100 }')
MET=$(awk -v a="$A" -v o="$O" 'BEGIN { print (a / o >= 0.90 ? "met" : "NOT met") }')
CN=$(cpus nginx | bench_median_lines) CO=$(cpus off | bench_median_lines) CA=$(cpus auth | bench_median_lines) CH=$(cpus offhdr | bench_median_lines)
H=$(bench_rates offhdr | bench_median_lines)
CPU_COST=$(awk -v a="$CA" -v o="$CO" 'BEGIN { printf "%.1f", (a / o - 1) * 100 }')
CPU_MET=$(awk -v a="$CA" -v o="$CO" 'BEGIN { print (a / o <= 1.10 ? "met" : "NOT met") }')

echo
echo "modgate auth bench: warm .mod ($(stat -c %s "$TREE/$MOD_PATH") bytes), wrk -t2 -c$CONNS, median of $ROUNDS rounds x ${SECS}s, HTTP on loopback, $CORES cores$([ ${#PIN_SERVER[@]} -gt 0 ] && echo ": servers pinned to core $((CORES - 1)) (nginx 1 worker), wrk to the rest" || echo ' shared by servers and wrk')"
printf '  nginx static                    %7s req/s   (rounds: %s)\n' "$N" "$(bench_rates nginx | paste -sd' ')"
printf '  modgate MODGATE_AUTH=off         %7s req/s   (rounds: %s)\n' "$O" "$(bench_rates off | paste -sd' ')"
printf '  modgate off, auth header ignored %7s req/s   (rounds: %s)\n' "$H" "$(bench_rates offhdr | paste -sd' ')"
printf '  modgate token auth + RBAC        %7s req/s   (rounds: %s)\n' "$A" "$(bench_rates auth | paste -sd' ')"
printf '  ratios: auth/off %s (auth+RBAC costs %s%% of req/s; target < 10%%: %s)   off/nginx %s   auth/nginx %s\n' \
  "$(bench_ratio "$A" "$O")" "$COST" "$MET" "$(bench_ratio "$O" "$N")" "$(bench_ratio "$A" "$N")"
printf '  server CPU per request (median): nginx %s us, off %s us, off+header %s us, auth %s us  (auth+RBAC costs %s%% more CPU per request; target < 10%%: %s)\n' \
  "$CN" "$CO" "$CH" "$CA" "$CPU_COST" "$CPU_MET"
printf '  CPU per request by round: off [%s]  off+header [%s]  auth [%s]\n' "$(cpus off | paste -sd' ')" "$(cpus offhdr | paste -sd' ')" "$(cpus auth | paste -sd' ')"
printf '  p99 latency (median of rounds): nginx %s ms, off %s ms, off+header %s ms, auth %s ms\n' "$(p99 nginx)" "$(p99 off)" "$(p99 offhdr)" "$(p99 auth)"
printf '  wrk errors (socket + non-2xx): nginx %s, off %s, off+header %s, auth %s\n' "$(bench_errors nginx)" "$(bench_errors off)" "$(bench_errors offhdr)" "$(bench_errors auth)"
printf '  CPU used by other processes before / after: %s%% / %s%%%s\n' "$BUSY_BEFORE" "$BUSY_AFTER" \
  "$([ "$BUSY_BEFORE" -gt 15 ] || [ "$BUSY_AFTER" -gt 15 ] && echo '  (other processes were competing: numbers are noisy)')"
