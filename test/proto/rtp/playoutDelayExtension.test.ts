import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPlayoutDelay, RtpPacket, setPlayoutDelay } from '../../../src/proto/rtp';
import { bare, HDR, hex } from './helpers';

test('playout-delay: 12-bit min and max in 10 ms units', () => {
	// min 0x00a (100 ms), max 0x0c8 (2000 ms).
	const p = RtpPacket.parse(hex(`${HDR} bede0001 62 00a0c8`))!;
	assert.deepEqual(getPlayoutDelay(p, 6), { minMs: 100, maxMs: 2000 });
	const q = bare();
	setPlayoutDelay(q, 6, 40950, 0);
	assert.deepEqual(q.serialize(), hex(`${HDR} bede0001 62 fff000 abcd`));
	assert.deepEqual(getPlayoutDelay(q, 6), { minMs: 40950, maxMs: 0 });
	assert.throws(() => setPlayoutDelay(q, 6, 0, 41000), RangeError);
});
