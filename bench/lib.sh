# The helpers every bench script sources (not run). Each script works inside one temp dir,
# $BENCH_TMP, that it creates and removes; nothing leaves 127.0.0.1. A script's own fixture and
# measurement code lives in its <name>-lib.sh, sourced after this file.

bench_log() { printf 'bench: %s\n' "$*" >&2; }
bench_die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# bench_require_commands COMMAND=DEBIAN_PACKAGE...: stops with one message naming the packages of
# every missing command (initdb: the newest /usr/lib/postgresql/*/bin, see bench_pg_bin).
bench_require_commands() {
  local missing=() pair cmd
  for pair in "$@"; do
    cmd=${pair%%=*}
    if [ "$cmd" = initdb ]; then
      [ -n "$(bench_pg_bin)" ] || missing+=("${pair#*=}")
    else
      command -v "$cmd" >/dev/null 2>&1 || missing+=("${pair#*=}")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    bench_die "missing commands; install the Debian packages: sudo apt-get install ${missing[*]}"
  fi
}

# What serve.sh, auth.sh and graph.sh need.
BENCH_SERVE_NEEDS=(wrk=wrk nginx=nginx go=golang-go git=git curl=curl node=nodejs sha256sum=coreutils)

# bench_build MAIN: npm run build (always: a failed tsc still emits, so a dist newer than the
# sources proves nothing); BENCH_SKIP_BUILD=1 uses the existing dist, which must hold MAIN.
bench_build() {
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    bench_log "building (npm run build)"
    npm run build >"$BENCH_TMP/build.log" 2>&1 || { tail -n 30 "$BENCH_TMP/build.log" >&2; bench_die "npm run build failed"; }
  else
    [ -f "$1" ] || bench_die "BENCH_SKIP_BUILD=1 but $1 does not exist"
    bench_log "BENCH_SKIP_BUILD=1: using the existing dist"
  fi
}

# Fixture git: nothing from the host's or user's config, HOME in the temp dir, UTC.
bench_git() {
  env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC \
    GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 git "$@"
}

# The bin dir of the newest Debian PostgreSQL (initdb, pg_ctl), else the one on PATH, or nothing.
bench_pg_bin() {
  local major
  for major in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
    [ -x "/usr/lib/postgresql/$major/bin/pg_ctl" ] && { echo "/usr/lib/postgresql/$major/bin"; return; }
  done
  command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)"
  return 0
}

# bench_pg_run TOOL ARGS...: a Postgres server tool, as the `postgres` user when we are root
# (initdb refuses root). Needs BENCH_PG_BIN.
bench_pg_run() {
  local tool=$BENCH_PG_BIN/$1
  shift
  if [ "$(id -u)" = 0 ]; then
    env -i PATH="$PATH" LANG=C LC_ALL=C TZ=UTC runuser -u postgres -- "$tool" "$@"
  else
    env -i PATH="$PATH" LANG=C LC_ALL=C TZ=UTC "$tool" "$@"
  fi
}

# bench_pg_start DIR PORT [SERVER_OPTIONS]: a throwaway cluster in DIR (handed to the postgres user
# when we are root) on 127.0.0.1:PORT, trust auth, default durability (fsync and synchronous commit
# on, as in production). Sets BENCH_PG_BIN.
bench_pg_start() {
  local dir=$1 port=$2 options=${3:-}
  BENCH_PG_BIN=$(bench_pg_bin)
  [ -n "$BENCH_PG_BIN" ] || bench_die "a local Postgres needs initdb and pg_ctl: sudo apt-get install postgresql"
  mkdir -p "$dir/data" "$dir/sock"
  chmod 700 "$dir/data" "$dir/sock"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || bench_die "running as root, but there is no postgres user to run initdb as"
    chown -R postgres: "$dir"
    # The postgres user must get through the (mktemp, 0700) directory above DIR.
    chmod a+x "$(dirname "$dir")"
  fi
  bench_pg_run initdb -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; bench_die "initdb failed"; }
  bench_pg_run pg_ctl -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
    -o "-p $port -k '$dir/sock' -c listen_addresses=127.0.0.1 $options" start >"$dir/pg_ctl.log" 2>&1 \
    || { cat "$dir/pg_ctl.log" "$dir/postgres.log" >&2; bench_die "postgres did not start"; }
}

# bench_pg_stop DIR: stops the cluster of bench_pg_start at once (no checkpoint).
bench_pg_stop() {
  [ -n "${BENCH_PG_BIN:-}" ] && [ -d "$1/data" ] || return 0
  bench_pg_run pg_ctl -D "$1/data" -m immediate -w stop >/dev/null 2>&1 || true
}

# bench_stop_process PID [TENTHS]: SIGTERM, up to TENTHS tenths of a second (default 50) for it to
# exit, then SIGKILL; reaps it. An empty PID is a no-op.
bench_stop_process() {
  local pid=$1 tenths=${2:-50}
  [ -z "$pid" ] && return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq "$tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# bench_stop_modgate [TENTHS]: bench_stop_process of $MODGATE_PID, which is then cleared.
bench_stop_modgate() {
  bench_stop_process "${MODGATE_PID:-}" "${1:-50}"
  MODGATE_PID=''
}

# A TCP port that is free on 127.0.0.1 right now.
bench_free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})"
}

# bench_wait_http URL SECONDS [PID]: waits for a 200; gives up early if PID exits.
bench_wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ]; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.2
  done
  return 1
}

# bench_make_fixture DIR: a git repo for github.com/bench/big with a ~20 MB incompressible file,
# tagged v1.0.0, turned into a genuine GOPROXY tree by the real go command in direct mode (git
# redirected to the local repo, nothing downloaded). Prints the tree's root.
bench_make_fixture() {
  local dir=$1
  local repo=$dir/repos/bench/big
  mkdir -p "$repo" "$dir/home" "$dir/gowork"
  local -a gitenv=(env -i PATH="$PATH" HOME="$dir/home" LANG=C TZ=UTC
    GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
    GIT_AUTHOR_NAME='Bench Bot' GIT_AUTHOR_EMAIL=bench@example.com GIT_AUTHOR_DATE=2024-01-01T00:00:00Z
    GIT_COMMITTER_NAME='Bench Bot' GIT_COMMITTER_EMAIL=bench@example.com GIT_COMMITTER_DATE=2024-01-01T00:00:00Z)
  printf 'module github.com/bench/big\n\ngo 1.19\n' >"$repo/go.mod"
  printf '// Package big is a benchmark fixture: a module whose zip is about 20 MB.\npackage big\n\n// Name is the module name.\nconst Name = "big"\n' >"$repo/big.go"
  head -c 20000000 /dev/urandom >"$repo/data.bin"
  (
    cd "$repo"
    "${gitenv[@]}" git -c init.defaultBranch=main init -q
    "${gitenv[@]}" git add go.mod big.go data.bin
    "${gitenv[@]}" git -c commit.gpgsign=false commit -q -m 'big: fixture'
    "${gitenv[@]}" git -c tag.gpgsign=false tag v1.0.0
  ) || bench_die "creating the fixture git repo failed"

  printf '[url "file://%s/"]\n\tinsteadOf = https://github.com/\n[protocol "file"]\n\tallow = always\n' \
    "$dir/repos" >"$dir/gitconfig"
  (
    cd "$dir/gowork"
    env -i PATH="$PATH" HOME="$dir/home" LANG=C TZ=UTC \
      GOPRIVATE=github.com GOPROXY=direct GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local \
      GOMODCACHE="$dir/modcache" GOPATH="$dir/gopath" GOCACHE="$dir/gocache" \
      GIT_CONFIG_GLOBAL="$dir/gitconfig" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 \
      go mod download -json github.com/bench/big@v1.0.0 >"$dir/go-download.json" 2>"$dir/go-download.err"
  ) || { cat "$dir/go-download.json" "$dir/go-download.err" >&2; bench_die "go mod download of the fixture failed"; }

  local tree=$dir/modcache/cache/download
  local f
  for f in github.com/bench/big/@v/v1.0.0.info github.com/bench/big/@v/v1.0.0.mod github.com/bench/big/@v/v1.0.0.zip github.com/bench/big/@v/list; do
    [ -s "$tree/$f" ] || bench_die "the GOPROXY tree lacks $f"
  done
  printf '%s\n' "$tree"
}

# bench_nginx_conf DIR ROOT BASE_PORT UP_PORT [CERT KEY]: one nginx, two servers on the same
# static tree: BASE_PORT is the baseline (no access log; HTTPS with CERT and KEY when given), UP_PORT
# is modgate's upstream (access log kept, so the bench can show that modgate did not go back to it
# once warm).
bench_nginx_conf() {
  local dir=$1 root=$2 base=$3 up=$4 cert=${5:-} key=${6:-}
  local user_line='' tls_listen='' tls_lines=''
  if [ -n "$cert" ]; then
    tls_listen=' ssl'
    tls_lines="ssl_certificate \"$cert\"; ssl_certificate_key \"$key\"; ssl_session_cache shared:tls:1m;"
  fi
  # Only root may (and, with a 0700 temp dir, must) name the worker user.
  [ "$(id -u)" = 0 ] && user_line='user root;'
  mkdir -p "$dir/nginx-tmp"
  cat >"$dir/nginx.conf" <<EOF
$user_line
worker_processes auto;
daemon off;
pid "$dir/nginx.pid";
error_log "$dir/nginx-error.log" warn;
events { worker_connections 1024; }
http {
  types { application/zip zip; }
  default_type text/plain;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  keepalive_timeout 65s;
  client_body_temp_path "$dir/nginx-tmp/body";
  proxy_temp_path "$dir/nginx-tmp/proxy";
  fastcgi_temp_path "$dir/nginx-tmp/fastcgi";
  uwsgi_temp_path "$dir/nginx-tmp/uwsgi";
  scgi_temp_path "$dir/nginx-tmp/scgi";
  server {
    listen 127.0.0.1:$base$tls_listen;
    $tls_lines
    root "$root";
    access_log off;
  }
  server {
    listen 127.0.0.1:$up;
    root "$root";
    access_log "$dir/upstream-access.log";
  }
}
EOF
}

# bench_wrk NAME URL THREADS CONNS SECONDS: runs wrk with the report script, keeps its output in
# $BENCH_TMP/wrk-NAME.txt and prints "requests bytes duration_us errors p50_us p99_us".
bench_wrk() {
  local name=$1 url=$2 threads=$3 conns=$4 secs=$5
  local out=$BENCH_TMP/wrk-$name.txt
  wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 30s -s "$BENCH_DIR/wrk-report.lua" "$url" >"$out" 2>&1 \
    || { cat "$out" >&2; bench_die "wrk $name failed"; }
  awk '/^WRK_SUMMARY/ {
         for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         found = 1
         print v["requests"], v["bytes"], v["duration_us"],
           sprintf("%.0f", v["connect"] + v["read"] + v["write"] + v["status"] + v["timeout"]), v["p50_us"], v["p99_us"]
       }
       END { if (!found) exit 1 }' "$out" \
    || { cat "$out" >&2; bench_die "no summary line in the output of wrk $name"; }
}

# bench_rss_sampler PID OUT: appends VmRSS (kB) of PID to OUT every 100 ms until PID exits or the
# sampler is killed. Pure bash reads, so sampling costs next to nothing.
bench_rss_sampler() {
  local pid=$1 out=$2 key value unit
  while [ -r "/proc/$pid/status" ]; do
    while read -r key value unit; do
      if [ "$key" = VmRSS: ]; then printf '%s\n' "$value" >>"$out"; break; fi
    done <"/proc/$pid/status" || true
    sleep 0.1
  done
}

# bench_rss_summary FILE: "start min max end samples" in MB (MiB) from a sampler's file.
bench_rss_summary() {
  awk 'NR == 1 { start = $1; min = $1; max = $1 }
       { if ($1 < min) min = $1; if ($1 > max) max = $1; last = $1 }
       END { if (NR == 0) exit 1
             printf "%.0f %.0f %.0f %.0f %d\n", start / 1024, min / 1024, max / 1024, last / 1024, NR }' "$1"
}

# Current VmRSS of PID in MB (MiB).
bench_rss_now() { awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"; }

# bench_cpu_ticks PID...: user+system clock ticks used so far by the PIDs and their child
# processes (nginx workers); 0 for a PID that is gone.
bench_cpu_ticks() {
  local pids=("$@") pid child sum=0 stat
  for pid in "$@"; do
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do pids+=("$child"); done
  done
  for pid in "${pids[@]}"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }   # the fields after "(comm) "; utime and stime are the 12th and 13th
    sum=$(awk -v s="$stat" -v acc="$sum" 'BEGIN { split(s, f, " "); printf "%.0f\n", acc + f[12] + f[13] }')
  done
  printf '%s\n' "$sum"
}

# bench_busy_pct SECONDS PID...: percent of all CPU time used over SECONDS by processes other than
# the PIDs (and their children), from /proc/stat. Taken while the servers sit idle, it shows what
# else competes with the measurements on this machine.
bench_busy_pct() {
  local secs=$1 a b ours_a ours_b
  shift
  ours_a=$(bench_cpu_ticks "$@")
  a=$(head -n 1 /proc/stat)
  sleep "$secs"
  b=$(head -n 1 /proc/stat)
  ours_b=$(bench_cpu_ticks "$@")
  awk -v a="$a" -v b="$b" -v ours=$((ours_b - ours_a)) 'BEGIN {
    n = split(a, x, " "); split(b, y, " ")
    for (i = 2; i <= n; i++) { d = y[i] - x[i]; total += d; if (i == 5 || i == 6) idle += d }
    other = total - idle - ours
    if (other < 0) other = 0
    printf "%.0f\n", (total > 0 ? 100 * other / total : 0) }'
}

# bench_report_log_problems LOG: prints the first 20 warning/error lines of a modgate log (JSON
# lines, since its stdout is a file) and node's process warnings, if there are any.
bench_report_log_problems() {
  local pattern='"level":"(warn|error|fatal)"|^\(node:[0-9]+\) '
  if grep -qE "$pattern" "$1"; then
    echo "  modgate logged warnings/errors ($(grep -cE "$pattern" "$1") lines; the first 20):"
    grep -E "$pattern" "$1" | head -n 20 | sed 's/^/    /'
  fi
}

# bench_make_tls DIR: a throwaway CA and a server certificate for 127.0.0.1 and localhost (EC P-256,
# one day) with the openssl CLI, as test/support/tls.ts makes them: DIR/ca.crt, server.crt, server.key.
bench_make_tls() {
  local dir=$1
  mkdir -p "$dir"
  printf '[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = v3_ca\n[dn]\nCN = modgate bench CA\n[v3_ca]\nbasicConstraints = critical, CA:TRUE, pathlen:0\nkeyUsage = critical, keyCertSign, cRLSign\n' >"$dir/ca.cnf"
  printf '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = localhost\n[v3_server]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = IP:127.0.0.1, DNS:localhost\n' >"$dir/server.cnf"
  local -a ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  (
    cd "$dir"
    openssl req -x509 -config ca.cnf "${ec[@]}" -keyout ca.key -out ca.crt -days 1 -sha256 &&
      openssl req -new -config server.cnf "${ec[@]}" -keyout server.key -out server.csr &&
      openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 15)" \
        -days 1 -sha256 -extfile server.cnf -extensions v3_server -out server.crt
  ) >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log" >&2; bench_die "creating the TLS certificates failed"; }
}

# Nanoseconds since the epoch, and the seconds (3 decimals) between two such readings.
bench_now_ns() { date +%s%N; }
bench_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'; }

# Rounds of bench_wrk kept by the caller as "<bench_wrk line>[ more fields];..." in RESULTS[NAME]:
# bench_rates NAME prints the req/s of each round, bench_errors NAME their errors summed.
bench_rates() { tr ';' '\n' <<<"${RESULTS[$1]}" | awk 'NF { printf "%.0f\n", $1 / ($3 / 1e6) }'; }
bench_errors() { tr ';' '\n' <<<"${RESULTS[$1]}" | awk 'NF { e += $4 } END { print e + 0 }'; }

# The median of the numbers on stdin, one a line (mean of the middle two, rounded, for an even count).
bench_median_lines() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# bench_ratio A B: A / B with two decimals, n/a when B is 0.
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# bench_median N...: the median of the numbers (mean of the middle two for an even count).
bench_median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_metric METRICS_TEXT NAME [LABELS]: the sum of a Prometheus sample's values over the lines
# whose name (and label text, when given) match; 0 when there is none.
bench_metric() {
  awk -v name="$2" -v labels="${3:-}" '$1 == name || index($1, name "{") == 1 {
      if (labels == "" || index($1, labels) > 0) sum += $NF }
    END { printf "%.6f\n", sum + 0 }' <<<"$1"
}
