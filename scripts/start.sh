#!/usr/bin/env bash
# The main job: the video-conference demo. Installs what is missing, builds the
# server (tsc) and type-checks the page, then starts: the page is bundled with
# esbuild at start-up and the URL to open is printed (see README; --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run build
node_modules/.bin/tsc -p demo/page/tsconfig.json
exec node dist/scripts/start.js "$@"
