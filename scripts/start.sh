#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run build
exec node dist/scripts/start.js "$@"
