import { test } from 'node:test';
import assert from 'node:assert/strict';
import { absSendTimeFromMs, absSendTimeToMs, getAbsSendTime, RtpPacket, setAbsSendTime } from '../../../src/proto/rtp';
import { bare, HDR, hex } from './helpers';

test('abs-send-time: 24-bit 6.18 fixed point', () => {
	const p = RtpPacket.parse(hex(`${HDR} bede0001 32 123456`))!;
	assert.equal(getAbsSendTime(p, 3), 0x123456);
	// 1.5 s = 1 << 18 | 1 << 17.
	assert.equal(absSendTimeFromMs(1500), 0x060000);
	assert.equal(absSendTimeToMs(0x060000), 1500);
	// Wraps every 64 s.
	assert.equal(absSendTimeFromMs(64000 + 250), absSendTimeFromMs(250));
	assert.equal(absSendTimeFromMs(250), 0x010000);
	const q = bare();
	setAbsSendTime(q, 2, 0xabcdef);
	assert.deepEqual(q.serialize(), hex(`${HDR} bede0001 22abcdef abcd`));
	assert.equal(getAbsSendTime(q, 2), 0xabcdef);
	// Too short a value is not an abs-send-time.
	const r = RtpPacket.parse(hex(`${HDR} bede0001 31 1234 00`))!;
	assert.equal(getAbsSendTime(r, 3), undefined);
});
