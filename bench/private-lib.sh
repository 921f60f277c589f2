# Helpers of bench/private.sh (sourced after bench/lib.sh, not run): fixtures by git fast-import
# and the go command runner.

# Fixture git without zlib work (the fixtures are large and only copied around).
priv_git() { bench_git -c core.compression=0 -c pack.compression=0 -c init.defaultBranch=main "$@"; }

# The fast-import line for author and committer at second EPOCH.
priv_ident() { printf 'author Bench Bot <bench@example.com> %s +0000\ncommitter Bench Bot <bench@example.com> %s +0000\n' "$1" "$1"; }

# priv_inline PATH CONTENT: a fast-import "M" command with the content inline.
priv_inline() { printf 'M 100644 inline %s\ndata %d\n%s\n' "$1" "${#2}" "$2"; }

# priv_make_big REPO DIRS FILES TAGS: a bare repo of module github.com/benchorg/big with DIRS x FILES
# small Go files, then TAGS commits that each change version.go, tagged v1.0.0 .. v1.0.<TAGS-1>.
# One git fast-import run (a second or two for thousands of files and hundreds of tags).
priv_make_big() {
  local repo=$1 dirs=$2 files=$3 tags=$4
  priv_git init -q --bare "$repo" || bench_die "git init $repo failed"
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
  } | priv_git --git-dir="$repo" fast-import --quiet || bench_die "git fast-import of $repo failed"
  priv_git --git-dir="$repo" symbolic-ref HEAD refs/heads/main
}

# priv_push_tag REPO TAG EPOCH: "pushes" a new release to the origin: one commit on main that
# changes version.go, tagged TAG (lightweight).
priv_push_tag() {
  local repo=$1 tag=$2 epoch=$3 parent
  parent=$(priv_git --git-dir="$repo" rev-parse refs/heads/main) || bench_die "rev-parse main in $repo failed"
  {
    printf 'commit refs/heads/main\n'
    priv_ident "$epoch"
    printf 'data 13\nbig: release\n'
    printf 'from %s\n' "$parent"
    priv_inline version.go "$(printf 'package big\n\n// Version is the release.\nconst Version = "%s"' "$tag")"$'\n'
    printf '\nreset refs/tags/%s\nfrom refs/heads/main\n\n' "$tag"
  } | priv_git --git-dir="$repo" fast-import --quiet || bench_die "pushing $tag to $repo failed"
}

# priv_make_huge REPO FILES MB: a bare repo of module github.com/benchorg/huge with FILES files of MB
# MiB of /dev/urandom each (incompressible) and 120 tiny ones, tagged v1.0.0. The blobs are stored
# and sent without zlib work or delta search (core.compression=0, core.bigFileThreshold=1m in the
# repo's config), so the fixture takes seconds and a clone of it costs about a copy.
priv_make_huge() {
  local repo=$1 files=$2 mb=$3 i sha bytes=$(($3 * 1024 * 1024))
  local -a blobs=()
  priv_git init -q --bare "$repo" || bench_die "git init $repo failed"
  priv_git --git-dir="$repo" config core.compression 0
  priv_git --git-dir="$repo" config core.bigFileThreshold 1m
  for ((i = 0; i < files; i++)); do
    sha=$(head -c "$bytes" /dev/urandom | priv_git --git-dir="$repo" hash-object -w --stdin) || bench_die "writing a blob to $repo failed"
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
  } | priv_git --git-dir="$repo" fast-import --quiet || bench_die "git fast-import of $repo failed"
  priv_git --git-dir="$repo" symbolic-ref HEAD refs/heads/main
}

# priv_go MODCACHE ARGS...: the go command with a clean environment and the given module cache;
# PRIV_GOPROXY (a URL, or "direct" with git redirected to the local repos) says where modules
# come from. Module downloads only: nothing is built.
priv_go() {
  local modcache=$1
  shift
  (
    cd "$BENCH_TMP/gowork"
    env -i PATH="$PATH" HOME="$BENCH_TMP/home" LANG=C TZ=UTC \
      GOPROXY="$PRIV_GOPROXY" GOPRIVATE="$PRIV_GOPRIVATE" GONOSUMDB=github.com/benchorg GOSUMDB=off \
      GOFLAGS=-mod=mod GOTOOLCHAIN=local GOTELEMETRY=off \
      GOMODCACHE="$modcache" GOPATH="$BENCH_TMP/gopath" GOCACHE="$BENCH_TMP/gocache" \
      GIT_CONFIG_GLOBAL="$BENCH_TMP/gitconfig" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 \
      go "$@"
  )
}

# priv_download NAME PROXY MODULE@VERSION: `go mod download -json` into a fresh module cache;
# keeps the JSON in $BENCH_TMP/NAME.json and prints the wall time in seconds.
priv_download() {
  local name=$1 proxy=$2 target=$3 t0 t1 private=''
  [ "$proxy" = direct ] && private=github.com
  local modcache=$BENCH_TMP/modcache-$name
  t0=$(bench_now_ns)
  PRIV_GOPROXY=$proxy PRIV_GOPRIVATE=$private priv_go "$modcache" mod download -json "$target" \
    >"$BENCH_TMP/$name.json" 2>"$BENCH_TMP/$name.err" \
    || { cat "$BENCH_TMP/$name.json" "$BENCH_TMP/$name.err" >&2; bench_die "go mod download $target ($proxy) failed"; }
  t1=$(bench_now_ns)
  jq -e '.Error == null and (.Sum | startswith("h1:"))' "$BENCH_TMP/$name.json" >/dev/null \
    || { cat "$BENCH_TMP/$name.json" >&2; bench_die "go mod download $target ($proxy) reported no sum"; }
  # The go command leaves its module cache read-only; the next run uses a fresh one anyway.
  chmod -R u+w "$modcache" && rm -rf "$modcache"
  bench_secs "$t0" "$t1"
}

# The Sum of a download kept by priv_download.
priv_sum() { jq -r .Sum "$BENCH_TMP/$1.json"; }
