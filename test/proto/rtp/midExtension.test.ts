import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getMid, RtpPacket, setMid, stringExtensionEquals } from '../../../src/proto/rtp';
import { bare, HDR, hex } from './helpers';

test('RFC 8843 §15: mid read from a one-byte element', () => {
	// id 3, L=0 (1 byte) "0", then "ab" under id 4 would be rid in a browser offer.
	const p = RtpPacket.parse(hex(`${HDR} bede0001 3030 0000`))!;
	assert.equal(getMid(p, 3), '0');
	assert.equal(getMid(p, 4), undefined);
	assert.equal(stringExtensionEquals(p, 3, Buffer.from('0')), true);
	assert.equal(stringExtensionEquals(p, 3, Buffer.from('1')), false);
});

test('mid: NUL ends the string, an empty value is absent', () => {
	const p = RtpPacket.parse(hex(`${HDR} bede0001 22 617600`))!;
	assert.equal(getMid(p, 2), 'av');
	assert.equal(stringExtensionEquals(p, 2, Buffer.from('av')), true);
	const q = RtpPacket.parse(hex(`${HDR} bede0001 20 000000`))!;
	assert.equal(getMid(q, 2), undefined);
});

test('mid: set, replace with a longer one, > 16 bytes switches to two-byte', () => {
	const p = bare();
	setMid(p, 1, 'audio');
	assert.equal(getMid(p, 1), 'audio');
	assert.deepEqual(p.serialize(), hex(`${HDR} bede0002 14 617564696f 0000 abcd`));
	setMid(p, 1, 'a-very-long-mid-value');
	assert.equal(getMid(p, 1), 'a-very-long-mid-value');
	assert.equal(RtpPacket.parse(Buffer.from(p.serialize()))!.extensionProfile, 0x1000);
	assert.throws(() => setMid(p, 1, ''), RangeError);
});
