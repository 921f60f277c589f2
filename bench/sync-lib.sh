# Helpers for bench/sync.sh (sourced after bench/lib.sh, not run). Everything works inside one temp
# dir that sync.sh creates and removes; nothing leaves 127.0.0.1.

# The commit (fast-import syntax) of version VERSION: go.mod plus one file naming the version, at
# a fixed date SECONDS after 2024-01-01T00:00:00Z, parent PARENT ("" = continue the branch of this
# fast-import session), then a lightweight tag on it.
bench_sync_commit_stream() {
  local module=$1 version=$2 seconds=$3 mark=$4 parent=${5:-}
  local when=$((1704067200 + seconds))
  printf 'commit refs/heads/main\nmark :%s\n' "$mark"
  printf 'author Bench Bot <bench@example.com> %s +0000\n' "$when"
  printf 'committer Bench Bot <bench@example.com> %s +0000\n' "$when"
  printf 'data %s\n%s\n' $((${#version} + 1)) "$version"
  [ -n "$parent" ] && printf 'from %s\n' "$parent"
  local gomod bench
  gomod=$(printf 'module %s\n\ngo 1.19\n' "$module"; printf x)
  gomod=${gomod%x}
  bench=$(printf 'package bench\n\n// Version is the tag of this commit.\nconst Version = "%s"\n' "$version"; printf x)
  bench=${bench%x}
  printf 'M 100644 inline go.mod\ndata %s\n%s' "${#gomod}" "$gomod"
  printf 'M 100644 inline bench.go\ndata %s\n%s\n' "${#bench}" "$bench"
  printf 'reset refs/tags/%s\nfrom :%s\n\n' "$version" "$mark"
}

# bench_sync_make_origin REPO MODULE COUNT: a bare repository on branch main with COUNT commits,
# each tagged v1.0.0 ... v1.0.<COUNT-1>, written by one git fast-import (about a second for 500).
bench_sync_make_origin() {
  local repo=$1 module=$2 count=$3 i
  mkdir -p "$repo"
  bench_git init -q --bare --initial-branch=main "$repo" || bench_die "git init of the origin failed"
  {
    for ((i = 0; i < count; i++)); do
      bench_sync_commit_stream "$module" "v1.0.$i" $((i * 60)) $((i + 1))
    done
    printf 'done\n'
  } | bench_git --git-dir="$repo" fast-import --quiet --done \
    || bench_die "git fast-import of the origin failed"
}

# bench_sync_push_tag REPO MODULE VERSION SECONDS: one more commit on main, tagged VERSION (what a
# developer's `git push origin main VERSION` leaves in the origin). Prints the commit hash.
bench_sync_push_tag() {
  local repo=$1 module=$2 version=$3 seconds=$4 head
  head=$(bench_git --git-dir="$repo" rev-parse --verify refs/heads/main) || bench_die "origin has no main"
  { bench_sync_commit_stream "$module" "$version" "$seconds" 1 "$head"; printf 'done\n'; } \
    | bench_git --git-dir="$repo" fast-import --quiet --done \
    || bench_die "git fast-import of $version failed"
  bench_git --git-dir="$repo" rev-parse --verify "refs/tags/$version^{commit}"
}

# bench_sync_git_wrapper DIR LOG: a `git` in DIR that runs the real git and appends
# "start_s end_s exit subcommand" per call to LOG (BENCH_SYNC_TRACE_GIT=1: shows where a sync's
# time goes; costs about a millisecond per git call, so it is off for the headline numbers).
bench_sync_git_wrapper() {
  local dir=$1 log=$2 real
  real=$(command -v git)
  mkdir -p "$dir"
  cat >"$dir/git" <<EOF
#!/usr/bin/env bash
start=\$EPOCHREALTIME
"$real" "\$@"
rc=\$?
sub=''
for a in "\$@"; do case \$a in -*|*=*) ;; *) sub=\$a; break ;; esac; done
printf '%s %s %s %s\n' "\$start" "\$EPOCHREALTIME" "\$rc" "\$sub" >>"$log"
exit \$rc
EOF
  chmod +x "$dir/git"
}

# bench_sync_write_driver FILE: the node program that measures one push (see its header).
bench_sync_write_driver() {
  cat >"$1" <<'EOF'
// One push, measured: POST a signed GitHub push delivery, poll @v/list every 10 ms until it
// names the version, note whether .info/.mod/.zip were already in the blob store at that moment,
// then GET the .zip once. Prints one line:
//   latency_ms post_status polls prebuilt_at_listing zip_ms zip_bytes
// Env: BASE MODULE VERSION COMMIT DELIVERY SECRET BLOBS TIMEOUT_MS REPO_URL FULL_NAME
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';

const e = process.env;
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
const base = new URL(e.BASE);

function request(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, agent, headers: { ...headers, ...(body ? { 'content-length': body.length } : {}) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const payload = {
  ref: `refs/tags/${e.VERSION}`,
  before: '0000000000000000000000000000000000000000',
  after: e.COMMIT,
  created: true,
  deleted: false,
  forced: false,
  base_ref: null,
  compare: `${e.REPO_URL}/compare/refs/tags/${e.VERSION}`,
  commits: [],
  head_commit: { id: e.COMMIT, message: e.VERSION, timestamp: '2024-05-01T10:00:00Z' },
  repository: {
    id: 1296269,
    name: e.FULL_NAME.split('/')[1],
    full_name: e.FULL_NAME,
    private: true,
    html_url: e.REPO_URL,
    clone_url: `${e.REPO_URL}.git`,
    ssh_url: `git@${new URL(e.REPO_URL).host}:${e.FULL_NAME}.git`,
    default_branch: 'main',
  },
  pusher: { name: 'bench', email: 'bench@example.com' },
  sender: { login: 'bench', id: 1 },
};
const body = Buffer.from(JSON.stringify(payload));
const signature = `sha256=${createHmac('sha256', e.SECRET).update(body).digest('hex')}`;
const headers = {
  'content-type': 'application/json',
  'user-agent': 'GitHub-Hookshot/bench',
  'x-github-event': 'push',
  'x-github-delivery': e.DELIVERY,
  'x-hub-signature-256': signature,
};
const listPath = `/${e.MODULE}/@v/list`;
const blobs = ['info', 'mod', 'zip'].map((kind) => `${e.BLOBS}/${e.MODULE}/@v/${e.VERSION}.${kind}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ms = (from, to) => Number(to - from) / 1e6;

// Open the keep-alive connection first, so the measurement does not include a TCP handshake
// that a real git host would pay too but that says nothing about modgate.
await request('GET', '/healthz');

const t0 = process.hrtime.bigint();
const post = await request('POST', '/webhooks/github', body, headers);
if (post.status !== 202) {
  console.log(`error webhook answered ${post.status}: ${post.body.toString().trim()}`);
  process.exit(3);
}
let polls = 0;
let listed = null;
const deadline = Date.now() + Number(e.TIMEOUT_MS);
while (Date.now() < deadline) {
  polls++;
  const list = await request('GET', listPath);
  if (list.status !== 200) {
    console.log(`error ${listPath} answered ${list.status}: ${list.body.toString().trim()}`);
    process.exit(list.status === 401 ? 4 : 3);
  }
  if (list.body.toString().split('\n').includes(e.VERSION)) {
    listed = process.hrtime.bigint();
    break;
  }
  await sleep(10);
}
if (listed === null) {
  console.log(`error ${e.VERSION} not listed within ${e.TIMEOUT_MS} ms`);
  process.exit(3);
}
const prebuilt = blobs.every((file) => existsSync(file)) ? 'yes' : 'no';
const z0 = process.hrtime.bigint();
const zip = await request('GET', `/${e.MODULE}/@v/${e.VERSION}.zip`);
const z1 = process.hrtime.bigint();
if (zip.status !== 200) {
  console.log(`error .zip answered ${zip.status}: ${zip.body.toString().trim()}`);
  process.exit(3);
}
console.log(`${ms(t0, listed).toFixed(1)} ${post.status} ${polls} ${prebuilt} ${ms(z0, z1).toFixed(1)} ${zip.body.length}`);
agent.destroy();
EOF
}

# bench_sync_stats FILE: "p50 p95 min max mean" (ms, one decimal) of the numbers in FILE, one per
# line. Percentiles by nearest rank: p50 of 20 is the 10th smallest, p95 the 19th.
bench_sync_stats() {
  sort -n "$1" | awk '{ v[NR] = $1; sum += $1 }
    END {
      if (NR == 0) exit 1
      p50 = int(NR * 0.50); if (p50 < NR * 0.50) p50++; if (p50 < 1) p50 = 1
      p95 = int(NR * 0.95); if (p95 < NR * 0.95) p95++; if (p95 < 1) p95 = 1
      printf "%.1f %.1f %.1f %.1f %.1f\n", v[p50], v[p95], v[1], v[NR], sum / NR
    }'
}
