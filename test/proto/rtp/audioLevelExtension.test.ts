import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getAudioLevel, getVoiceActivity, RtpPacket, setAudioLevel } from '../../../src/proto/rtp';
import { bare, HDR, hex } from './helpers';

test('RFC 6464 §3: one-byte form, len=0, V bit and level', () => {
	// ID 1, len=0, V=1, level 0x2a (42 -dBov).
	const p = RtpPacket.parse(hex(`${HDR} bede0001 10 aa 0000`))!;
	assert.equal(getAudioLevel(p, 1), 42);
	assert.equal(getVoiceActivity(p, 1), true);
	const q = RtpPacket.parse(hex(`${HDR} bede0001 10 7f 0000`))!;
	assert.equal(getAudioLevel(q, 1), 127);
	assert.equal(getVoiceActivity(q, 1), false);
});

test('RFC 6464 §3: two-byte form, len=1, one padding octet', () => {
	const p = RtpPacket.parse(hex(`${HDR} 10000001 0101 85 00`))!;
	assert.equal(getAudioLevel(p, 1), 5);
	assert.equal(getVoiceActivity(p, 1), true);
});

test('audio level: write', () => {
	const p = bare();
	setAudioLevel(p, 1, 42, true);
	assert.deepEqual(p.serialize(), hex(`${HDR} bede0001 10aa0000 abcd`));
	setAudioLevel(p, 1, 127, false);
	assert.equal(getAudioLevel(p, 1), 127);
	assert.equal(getVoiceActivity(p, 2), undefined);
	assert.throws(() => setAudioLevel(p, 1, 128, false), RangeError);
});
