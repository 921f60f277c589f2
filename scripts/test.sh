#!/usr/bin/env bash
# Runs every test: unit, integration (real Postgres, S3 API via s3rver, git) and e2e (the real go
# command over HTTPS). As root it installs the Debian packages the tests need; otherwise it names
# what is missing and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package
declare -A needs=(
  [go]=golang-go
  [git]=git
  [openssl]=openssl
  [initdb]=postgresql
  [unzip]=unzip
  [slapd]=slapd
  [ldapadd]=ldap-utils
  [chromium]=chromium
)
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
have() {
  if [ "$1" = slapd ]; then [ -x /usr/sbin/slapd ]; return; fi
  if [ "$1" = initdb ]; then [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ]; else command -v "$1" >/dev/null 2>&1; fi
}
missing=()
for cmd in "${!needs[@]}"; do have "$cmd" || missing+=("${needs[$cmd]}"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test: missing Debian packages: ${missing[*]}" >&2
    echo "test: install them (sudo apt-get install ${missing[*]}) or run this as root" >&2
    exit 1
  fi
fi

bash scripts/install-deps.sh

npm run build
jest() { node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"; }
if [ $# -gt 0 ]; then
  npm run lint
  jest "$@"
  exit
fi

# Two lanes on the two cores: lint, then the unit specs (no server, nothing timed against a
# process), while the e2e suites run one at a time. The first lane's output follows the second's.
lane_log=$(mktemp)
trap 'rm -f "$lane_log"' EXIT
(npm run lint && jest --selectProjects unit) >"$lane_log" 2>&1 &
lane=$!
e2e_status=0
jest --selectProjects e2e || e2e_status=$?
lane_status=0
wait "$lane" || lane_status=$?
echo "--- lint and unit specs"
cat "$lane_log"
if [ "$e2e_status" -ne 0 ] || [ "$lane_status" -ne 0 ]; then
  echo "test: failed (lint and unit specs: exit $lane_status; e2e: exit $e2e_status)" >&2
  exit 1
fi
