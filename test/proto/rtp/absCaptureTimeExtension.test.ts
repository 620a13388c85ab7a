import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	AbsCaptureTime,
	clockOffsetToMs,
	ntpToMs,
	readAbsCaptureTime,
	RtpPacket,
	setAbsCaptureTime,
} from '../../../src/proto/rtp';
import { bare, HDR, hex } from './helpers';

test('abs-capture-time: 8 bytes, NTP Q32.32 capture time', () => {
	const p = RtpPacket.parse(hex(`${HDR} bede0003 77 e5a1b2c3 80000000 000000`))!;
	const t = new AbsCaptureTime();
	assert.equal(readAbsCaptureTime(p, 7, t), true);
	assert.equal(t.ntpSeconds, 0xe5a1b2c3);
	assert.equal(t.ntpFraction, 0x80000000);
	assert.equal(t.hasClockOffset, false);
	assert.equal(ntpToMs(t.ntpSeconds, t.ntpFraction), 0xe5a1b2c3 * 1000 + 500);
});

test('abs-capture-time: 16 bytes with a signed Q32.32 clock offset', () => {
	const p = bare();
	// -1.25 s = 0xfffffffe_c0000000.
	setAbsCaptureTime(p, 7, 1, 2, -2, 0xc0000000);
	assert.deepEqual(p.serialize(), hex(`${HDR} bede0005 7f 00000001 00000002 fffffffe c0000000 000000 abcd`));
	const t = new AbsCaptureTime();
	assert.equal(readAbsCaptureTime(p, 7, t), true);
	assert.equal(t.hasClockOffset, true);
	assert.equal(t.clockOffsetHigh, -2);
	assert.equal(t.clockOffsetLow, 0xc0000000);
	assert.equal(clockOffsetToMs(t.clockOffsetHigh, t.clockOffsetLow), -1250);
	// Other lengths are not valid.
	const q = RtpPacket.parse(hex(`${HDR} bede0002 73 01020304 000000`))!;
	assert.equal(readAbsCaptureTime(q, 7, t), false);
	assert.equal(readAbsCaptureTime(q, 8, t), false);
});
