# Helpers for bench/audit.sh (sourced after bench/lib.sh, not run): a tiny GOPROXY upstream and
# the SQL that fills audit_event with generated events.

# audit_upstream DIR PORT: a static GOPROXY tree holding example.com/bench/audit@v1.0.0 served by
# node on PORT (modgate asks it once, then serves from its cache). Prints the server's pid.
audit_upstream() {
  local dir=$1 port=$2
  mkdir -p "$dir/example.com/bench/audit/@v"
  printf '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}' >"$dir/example.com/bench/audit/@v/v1.0.0.info"
  printf 'module example.com/bench/audit\n\ngo 1.19\n\nrequire golang.org/x/text v0.14.0\n' >"$dir/example.com/bench/audit/@v/v1.0.0.mod"
  printf 'v1.0.0\n' >"$dir/example.com/bench/audit/@v/list"
  node -e '
    const http = require("http"), fs = require("fs"), path = require("path");
    const root = process.argv[1];
    http.createServer((req, res) => {
      const file = path.join(root, decodeURIComponent(req.url.split("?")[0]));
      if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404); return res.end("not found\n"); }
      res.end(fs.readFileSync(file));
    }).listen(Number(process.argv[2]), "127.0.0.1");
  ' "$dir" "$port" >/dev/null 2>&1 &
  echo $!
}

# SQL: N generated events continuing the chain's seq (90 days, oldest first, one every ~7.8 s for
# 1M), 2000 users in 50 teams, 1000 modules x 20 versions, ~3% denied. The hashes are filler, so
# this database's chain does not verify: it measures queries, nothing else.
audit_generate_sql() {
  local n=$1
  cat <<EOF
\\timing on
INSERT INTO audit_event (seq, time, action, principal_kind, principal_name, groups, ip, user_agent, module, version,
  artifact, status, reason, bytes, cache_hit, duration_ms, request_id, detail, prev_hash, hash)
SELECT h.last_seq + s,
  now() - ((${n} - s) * (interval '90 days' / ${n})),
  'goproxy.' || k.kind,
  'user',
  'user-' || u.id,
  ARRAY['team-' || (u.id % 50)],
  '10.' || (u.id / 256) || '.' || (u.id % 256) || '.7',
  'Go-http-client/1.1',
  'github.com/acme/lib-' || ((s * 31) % 1000),
  CASE WHEN k.kind = 'list' THEN NULL ELSE 'v1.' || (s % 20) || '.0' END,
  k.kind,
  CASE WHEN s % 37 = 0 THEN 403 WHEN s % 53 = 0 THEN 404 ELSE 200 END,
  CASE WHEN s % 37 = 0 THEN 'policy denies github.com/acme/lib-' || ((s * 31) % 1000) END,
  (s % 5000) * 13,
  s % 10 <> 0,
  s % 40,
  md5(s::text),
  NULL,
  md5((s - 1)::text) || md5((s - 1)::text),
  md5(s::text) || md5(s::text)
FROM generate_series(1::bigint, ${n}) AS s
CROSS JOIN (SELECT last_seq FROM audit_chain WHERE id = 1) AS h
CROSS JOIN LATERAL (SELECT (s * 7919) % 2000 AS id) AS u
CROSS JOIN LATERAL (SELECT (ARRAY['info', 'mod', 'zip', 'list'])[1 + s % 4] AS kind) AS k;
UPDATE audit_chain SET last_seq = (SELECT max(seq) FROM audit_event), last_hash = (SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1) WHERE id = 1;
VACUUM ANALYZE audit_event;
EOF
}

# audit_time_get URL N: N timed GETs after one warm-up; prints "median p95 max" in ms.
audit_time_get() {
  local url=$1 n=$2 i
  curl -fsS -o /dev/null "$url" || bench_die "GET $url failed"
  for i in $(seq "$n"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' "$url"
  done | sort -n | awk '{ v[NR] = $1 * 1000 } END { p95 = int(NR * 0.95 + 0.5); if (p95 < 1) p95 = 1; printf "%.1f %.1f %.1f\n", v[int((NR + 1) / 2)], v[p95], v[NR] }'
}
