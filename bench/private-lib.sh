# Helpers for bench/private.sh (sourced, not run). Everything here works inside one temp dir that
# private.sh creates and removes; nothing leaves 127.0.0.1. Self-contained on purpose (lib.sh
# belongs to serve.sh): the few helpers both need are repeated here with a priv_ prefix.

priv_log() { printf 'bench: %s\n' "$*" >&2; }
priv_die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# Stops with one message naming the Debian packages of every missing command.
priv_require_commands() {
  local -A needs=([go]=golang-go [git]=git [curl]=curl [node]=nodejs [jq]=jq [awk]=gawk)
  local missing=() cmd
  for cmd in "${!needs[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${needs[$cmd]}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    priv_die "missing commands; install the Debian packages: sudo apt-get install ${missing[*]}"
  fi
}

# A TCP port that is free on 127.0.0.1 right now.
priv_free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})"
}

# priv_wait_http URL SECONDS [PID]: waits for a 200; gives up early if PID exits.
priv_wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ]; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.2
  done
  return 1
}

# Nanoseconds since the epoch.
priv_now_ns() { date +%s%N; }

# priv_secs START_NS END_NS: the difference in seconds, 3 decimals.
priv_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'; }

# priv_median N...: the median of the numbers (mean of the middle two for an even count).
priv_median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The fixed git identity and clock of every fixture commit: git runs with nothing from the host.
priv_git() {
  env -i PATH="$PATH" HOME="$PRIV_TMP/home" LANG=C TZ=UTC \
    GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 \
    git -c core.compression=0 -c pack.compression=0 -c init.defaultBranch=main "$@"
}

# The fast-import line for author and committer at second EPOCH.
priv_ident() { printf 'author Bench Bot <bench@example.com> %s +0000\ncommitter Bench Bot <bench@example.com> %s +0000\n' "$1" "$1"; }

# priv_inline PATH CONTENT: a fast-import "M" command with the content inline.
priv_inline() { printf 'M 100644 inline %s\ndata %d\n%s\n' "$1" "${#2}" "$2"; }

# priv_make_big REPO DIRS FILES TAGS: a bare repo of module github.com/benchorg/big with DIRS x FILES
# small Go files, then TAGS commits that each change version.go, tagged v1.0.0 .. v1.0.<TAGS-1>.
# One git fast-import run (a second or two for thousands of files and hundreds of tags).
priv_make_big() {
  local repo=$1 dirs=$2 files=$3 tags=$4
  priv_git init -q --bare "$repo" || priv_die "git init $repo failed"
  {
    printf 'commit refs/heads/main\nmark :1\n'
    priv_ident 1704067200
    printf 'data 15\nbig: the files\n'
    priv_inline go.mod $'module github.com/benchorg/big\n\ngo 1.19\n'
    priv_inline LICENSE $'Benchmark fixture, no rights reserved.\n'
    # The many files: awk writes them in one pass (LC_ALL=C: length() counts bytes).
    LC_ALL=C awk -v dirs="$dirs" -v files="$files" 'BEGIN {
      for (d = 0; d < dirs; d++) for (f = 0; f < files; f++) {
        body = sprintf("// Code generated for the modgate private-git benchmark. DO NOT EDIT.\n\npackage p%02d\n\n" \
          "// F%02d returns the number of this file. The comment pads the file to a few hundred bytes,\n" \
          "// about the size of a small real source file: dir %d, file %d of a fixture module.\n" \
          "func F%02d() int { return %d }\n", d, f, d, f, f, d * 1000 + f)
        printf "M 100644 inline p%02d/f%02d.go\ndata %d\n%s\n", d, f, length(body), body
      }
    }'
    printf '\n'
    local n mark
    for ((n = 0; n < tags; n++)); do
      mark=$((n + 2))
      printf 'commit refs/heads/main\nmark :%d\n' "$mark"
      priv_ident $((1704067200 + 60 * (n + 1)))
      printf 'data 13\nbig: release\n'
      printf 'from :%d\n' $((mark - 1))
      priv_inline version.go "$(printf 'package big\n\n// Version is the release.\nconst Version = "v1.0.%d"' "$n")"$'\n'
      printf '\nreset refs/tags/v1.0.%d\nfrom :%d\n\n' "$n" "$mark"
    done
  } | priv_git --git-dir="$repo" fast-import --quiet || priv_die "git fast-import of $repo failed"
  priv_git --git-dir="$repo" symbolic-ref HEAD refs/heads/main
}

# priv_push_tag REPO TAG EPOCH: "pushes" a new release to the origin: one commit on main that
# changes version.go, tagged TAG (lightweight).
priv_push_tag() {
  local repo=$1 tag=$2 epoch=$3 parent
  parent=$(priv_git --git-dir="$repo" rev-parse refs/heads/main) || priv_die "rev-parse main in $repo failed"
  {
    printf 'commit refs/heads/main\n'
    priv_ident "$epoch"
    printf 'data 13\nbig: release\n'
    printf 'from %s\n' "$parent"
    priv_inline version.go "$(printf 'package big\n\n// Version is the release.\nconst Version = "%s"' "$tag")"$'\n'
    printf '\nreset refs/tags/%s\nfrom refs/heads/main\n\n' "$tag"
  } | priv_git --git-dir="$repo" fast-import --quiet || priv_die "pushing $tag to $repo failed"
}

# priv_make_huge REPO FILES MB: a bare repo of module github.com/benchorg/huge with FILES files of MB
# MiB of /dev/urandom each (incompressible) and 120 tiny ones, tagged v1.0.0. The blobs are stored
# and sent without zlib work or delta search (core.compression=0, core.bigFileThreshold=1m in the
# repo's config), so the fixture takes seconds and a clone of it costs about a copy.
priv_make_huge() {
  local repo=$1 files=$2 mb=$3 i sha bytes=$(($3 * 1024 * 1024))
  local -a blobs=()
  priv_git init -q --bare "$repo" || priv_die "git init $repo failed"
  priv_git --git-dir="$repo" config core.compression 0
  priv_git --git-dir="$repo" config core.bigFileThreshold 1m
  for ((i = 0; i < files; i++)); do
    sha=$(head -c "$bytes" /dev/urandom | priv_git --git-dir="$repo" hash-object -w --stdin) || priv_die "writing a blob to $repo failed"
    blobs+=("$sha")
  done
  {
    printf 'commit refs/heads/main\n'
    priv_ident 1704067200
    printf 'data 16\nhuge: the files\n'
    priv_inline go.mod $'module github.com/benchorg/huge\n\ngo 1.19\n'
    priv_inline huge.go $'// Package huge is a benchmark fixture whose module zip is about 200 MB.\npackage huge\n'
    for ((i = 0; i < files; i++)); do
      printf 'M 100644 %s data/d%02d.bin\n' "${blobs[$i]}" "$i"
    done
    # Over 100 objects in all, so a fetch keeps git's pack as sent (below transfer.unpackLimit it
    # would explode it into zlib-compressed loose objects: 10+ s of warm-up spent on the fixture).
    for ((i = 0; i < 120; i++)); do
      priv_inline "notes/n$i.txt" "note $i"$'\n'
    done
    printf '\nreset refs/tags/v1.0.0\nfrom refs/heads/main\n\n'
  } | priv_git --git-dir="$repo" fast-import --quiet || priv_die "git fast-import of $repo failed"
  priv_git --git-dir="$repo" symbolic-ref HEAD refs/heads/main
}

# priv_go MODCACHE ARGS...: the go command with a clean environment and the given module cache;
# PRIV_GOPROXY (a URL, or "direct" with git redirected to the local repos) says where modules
# come from. Module downloads only: nothing is built.
priv_go() {
  local modcache=$1
  shift
  (
    cd "$PRIV_TMP/gowork"
    env -i PATH="$PATH" HOME="$PRIV_TMP/home" LANG=C TZ=UTC \
      GOPROXY="$PRIV_GOPROXY" GOPRIVATE="$PRIV_GOPRIVATE" GONOSUMDB=github.com/benchorg GOSUMDB=off \
      GOFLAGS=-mod=mod GOTOOLCHAIN=local GOTELEMETRY=off \
      GOMODCACHE="$modcache" GOPATH="$PRIV_TMP/gopath" GOCACHE="$PRIV_TMP/gocache" \
      GIT_CONFIG_GLOBAL="$PRIV_TMP/gitconfig" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 \
      go "$@"
  )
}

# priv_download NAME PROXY MODULE@VERSION: `go mod download -json` into a fresh module cache;
# keeps the JSON in $PRIV_TMP/NAME.json and prints the wall time in seconds.
priv_download() {
  local name=$1 proxy=$2 target=$3 t0 t1 private=''
  [ "$proxy" = direct ] && private=github.com
  local modcache=$PRIV_TMP/modcache-$name
  t0=$(priv_now_ns)
  PRIV_GOPROXY=$proxy PRIV_GOPRIVATE=$private priv_go "$modcache" mod download -json "$target" \
    >"$PRIV_TMP/$name.json" 2>"$PRIV_TMP/$name.err" \
    || { cat "$PRIV_TMP/$name.json" "$PRIV_TMP/$name.err" >&2; priv_die "go mod download $target ($proxy) failed"; }
  t1=$(priv_now_ns)
  jq -e '.Error == null and (.Sum | startswith("h1:"))' "$PRIV_TMP/$name.json" >/dev/null \
    || { cat "$PRIV_TMP/$name.json" >&2; priv_die "go mod download $target ($proxy) reported no sum"; }
  # The go command leaves its module cache read-only; the next run uses a fresh one anyway.
  chmod -R u+w "$modcache" && rm -rf "$modcache"
  priv_secs "$t0" "$t1"
}

# The Sum of a download kept by priv_download.
priv_sum() { jq -r .Sum "$PRIV_TMP/$1.json"; }

# priv_rss_sampler PID OUT: appends VmRSS (kB) of PID to OUT every 100 ms until PID exits or the
# sampler is killed.
priv_rss_sampler() {
  local pid=$1 out=$2 key value unit
  while [ -r "/proc/$pid/status" ]; do
    while read -r key value unit; do
      if [ "$key" = VmRSS: ]; then printf '%s\n' "$value" >>"$out"; break; fi
    done <"/proc/$pid/status" || true
    sleep 0.1
  done
}

# priv_rss_summary FILE: "start min max end samples" in MB (MiB) from a sampler's file.
priv_rss_summary() {
  awk 'NR == 1 { start = $1; min = $1; max = $1 }
       { if ($1 < min) min = $1; if ($1 > max) max = $1; last = $1 }
       END { if (NR == 0) exit 1
             printf "%.0f %.0f %.0f %.0f %d\n", start / 1024, min / 1024, max / 1024, last / 1024, NR }' "$1"
}
