#!/usr/bin/env bash
# Sets up what the test suite needs on a fresh Debian machine (idempotent), builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run build

# Every *.test.js under dist/test/. Those that drive Chromium (they re-run themselves inside
# ../shared/tools/netns-run) go one at a time after the rest: two of them at once on 2 cores
# starve the pages' timers (a 50 ms sampler ran 500+ ms late) and the figures they assert.
browser=()
others=()
while IFS= read -r file; do
	if grep -q -e runInNetns -e NETNS_RUN -e netns-run "$file"; then
		browser+=("$file")
	else
		others+=("$file")
	fi
done < <(find dist/test -name '*.test.js' | sort)

status=0
node --test --test-concurrency=2 "${others[@]}" || status=$?
node --test --test-concurrency=1 "${browser[@]}" || status=$?
exit "$status"
