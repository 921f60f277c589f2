#!/usr/bin/env bash
# Installs the npm dependencies exactly as package-lock.json records them (`npm ci`) when
# node_modules is missing or older than the lock file, then fails if the install changed the lock
# file: an install must never rewrite it (the lock holds every platform's optional packages).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  lock_before="$(sha256sum package-lock.json)"
  npm ci --no-audit --no-fund
  if [ "$(sha256sum package-lock.json)" != "$lock_before" ]; then
    echo "install-deps: npm ci changed package-lock.json; commit a complete lock file" >&2
    exit 1
  fi
fi
