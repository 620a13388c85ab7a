/**
 * The demo page in three headless Chromium pages (inside a loopback-only
 * network namespace): tiles with names, rejoin after the WebSocket drops,
 * camera off/on, screen share, mic mute, leave. See pageUi.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNetns } from './netns';

test('three pages: tiles, reconnect after a blip, camera/screen/mic controls, leave', { timeout: 280_000 }, async () => {
	const { result, output } = await runInNetns('pageUi.js', 240);
	assert.equal(result.ok, true, `${result.error ?? ''}\n${output.slice(-3000)}`);
	assert.deepEqual(result.names, [['alice (you)', 'bob', 'carol'], ['alice', 'bob (you)', 'carol'], ['alice', 'bob', 'carol (you)']]);
	assert.equal(result.urlKeepsRoom, 'ui');
	assert.equal(result.rejoined, true);
	assert.equal(result.screenShare, 'Stop sharing');
	assert.deepEqual(result.afterLeave, [['alice (you)', 'bob'], ['alice', 'bob (you)']]);
	assert.deepEqual(result.pageErrors, []);
});
