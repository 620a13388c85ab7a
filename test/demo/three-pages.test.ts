/**
 * Acceptance of the demo (issue 8): started as `npm start` starts it, three
 * headless Chromium pages in one room inside a loopback-only namespace; each
 * plays the two others' video (frames decoded rising) and audio (samples
 * rising), also while a hostile client floods the room; a screenshot with
 * three tiles is saved (dist/test-artifacts/demo-three-pages.png); one page
 * leaves and the others' tiles for it go away. See threePages.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runInNetns } from './netns';
import { screenshotPath } from './threePages';

test('three Chromium pages see and hear each other; a leaving page\'s tile goes away', { timeout: 280_000 }, async () => {
	fs.rmSync(screenshotPath, { force: true });
	const { result, output } = await runInNetns('threePages.js', 240);
	assert.equal(result.ok, true, `${result.error ?? ''}\n${output.slice(-3000)}`);
	assert.equal(result.tilesInShot, 3);
	assert.ok(fs.statSync(screenshotPath).size > 10_000, 'screenshot saved');
	assert.deepEqual(result.tilesAfterLeave, [2, 2]);
	assert.equal(result.hostile.unknownIds, 'not_found');
	assert.ok(result.hostile.throttled > 0, 'the flood was throttled');
	assert.equal(result.consumers, 12, '3 peers x 2 others x (audio + video)');
	assert.ok(result.packetsSent > 0);
});
