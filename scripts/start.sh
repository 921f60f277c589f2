#!/usr/bin/env bash
# Starts modgate: installs dependencies if needed, builds, then runs the server (embedded Postgres
# database and filesystem blobs under ./data unless configured otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npm run build
exec node dist/apps/modgate/src/main.js
