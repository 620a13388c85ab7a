import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	getMid,
	RtpPacket,
	rtxDecapsulate,
	rtxEncapsulate,
	rtxEncapsulateInto,
	rtxOriginalSequenceNumber,
} from '../../../src/proto/rtp';
import { hex } from './helpers';

// PT 96, seq 0x1234, ts 0x11223344, ssrc 0xaaaaaaaa, mid "v" under id 1, payload c0ffee,
// 2 bytes of padding.
const ORIGINAL = 'b0601234 11223344 aaaaaaaa bede0001 107600 00 c0ffee 0002';
// RFC 4588 §4: RTX PT 97, seq 0x0007, ssrc 0xbbbbbbbb; OSN first in the payload; padding
// dropped.
const RTX = '90610007 11223344 bbbbbbbb bede0001 107600 00 1234 c0ffee';

test('RFC 4588 §4: encapsulate in place', () => {
	const p = RtpPacket.parse(hex(ORIGINAL))!;
	rtxEncapsulate(p, 0xbbbbbbbb, 97, 7);
	assert.deepEqual(p.serialize(), hex(RTX));
	assert.equal(rtxOriginalSequenceNumber(p), 0x1234);
	assert.equal(getMid(p, 1), 'v');
});

test('RFC 4588 §4: encapsulate in place needs no allocation when there is capacity', () => {
	const slab = Buffer.alloc(100);
	const n = hex('80601234 11223344 aaaaaaaa c0ffee').copy(slab);
	const p = RtpPacket.parse(slab, n)!;
	rtxEncapsulate(p, 0xbbbbbbbb, 97, 7);
	assert.equal(p.buffer, slab);
	assert.deepEqual(p.serialize(), hex('80610007 11223344 bbbbbbbb 1234 c0ffee'));
});

test('RFC 4588 §4: encapsulate into another packet leaves the source alone', () => {
	const src = RtpPacket.parse(hex(ORIGINAL))!;
	const out = new RtpPacket();
	rtxEncapsulateInto(src, out, 0xbbbbbbbb, 97, 7);
	assert.deepEqual(out.serialize(), hex(RTX));
	assert.deepEqual(src.serialize(), hex(ORIGINAL));
	const target = Buffer.alloc(64);
	rtxEncapsulateInto(src, out, 0xbbbbbbbb, 97, 7, target);
	assert.equal(out.buffer, target);
	assert.deepEqual(out.serialize(), hex(RTX));
});

test('RFC 4588 §4: decapsulate restores the original (without padding)', () => {
	const p = RtpPacket.parse(hex(RTX))!;
	assert.equal(rtxDecapsulate(p, 0xaaaaaaaa, 96), p);
	assert.deepEqual(p.serialize(), hex('90601234 11223344 aaaaaaaa bede0001 107600 00 c0ffee'));
	assert.equal(p.sequenceNumber, 0x1234);
	assert.deepEqual(p.payload, hex('c0ffee'));
});

test('RFC 4588: RTX with fewer than 2 payload bytes is malformed', () => {
	const one = RtpPacket.parse(hex('80610007 11223344 bbbbbbbb 12'))!;
	assert.equal(rtxDecapsulate(one, 1, 96), undefined);
	assert.deepEqual(one.serialize(), hex('80610007 11223344 bbbbbbbb 12'));
	assert.equal(rtxOriginalSequenceNumber(one), -1);
	// Padding-only RTX (bandwidth probing): nothing to recover.
	const probe = RtpPacket.parse(hex('a0610007 11223344 bbbbbbbb 00000004'))!;
	assert.equal(rtxDecapsulate(probe, 1, 96), undefined);
});

test('RFC 4588: round trip with an empty original payload', () => {
	const p = RtpPacket.parse(hex('80601234 11223344 aaaaaaaa'))!;
	rtxEncapsulate(p, 2, 97, 3);
	assert.deepEqual(p.serialize(), hex('80610003 11223344 00000002 1234'));
	rtxDecapsulate(p, 0xaaaaaaaa, 96);
	assert.deepEqual(p.serialize(), hex('80601234 11223344 aaaaaaaa'));
});
