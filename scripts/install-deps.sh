#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the lock file.
# `npm install`, not `npm ci`: the registry this project installs from lacks some other platforms'
# optional native binaries (e.g. @swc/core for macOS at the locked version), which makes `npm ci`
# refuse the lock file; `npm install` honours the lock and skips those optional packages.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
