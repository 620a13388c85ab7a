#!/usr/bin/env bash
# Sets up what the test suite needs on a fresh Debian machine (idempotent), builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run build
exec node --test --test-concurrency=2 dist/test/
