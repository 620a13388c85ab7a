import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Remb, encodeRembBitrate } from '../../../src/proto/rtcp/remb';
import { randomRemb, randomRembBitrate } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng } from './helpers';

// 1 Mbps: 1000000 = 250000 * 2^2, so exp=2, mantissa=0x3d090; one SSRC.
const REMB = hex('8f ce 00 05 00000001 00000000 52 45 4d 42 01 0b d0 90 12345678');

test('REMB: identifier, Num SSRC, BR Exp, BR Mantissa (draft-alvestrand-rmcat-remb 2.2)', () => {
	const remb = assertRoundTrip(Remb.parse, REMB);
	assert.equal(remb.kind, 'remb');
	assert.equal(remb.bitrate, 1_000_000);
	assert.deepEqual(remb.ssrcs, [0x12345678]);
	assert.deepEqual(new Remb({ senderSsrc: 1, bitrate: 1_000_000, ssrcs: [0x12345678] }).serialize(), REMB);
});

test('REMB: mantissa/exponent encoding, rounding down, large bitrates', () => {
	assert.deepEqual(encodeRembBitrate(0), [0, 0]);
	assert.deepEqual(encodeRembBitrate(0x3ffff), [0x3ffff, 0]);
	assert.deepEqual(encodeRembBitrate(0x40000), [0x20000, 1]);
	assert.deepEqual(encodeRembBitrate(1_000_001), [250000, 2], 'rounds down');
	// Beyond 32 bits: 10 Tbps and the largest the fields can say, (2^18 - 1) * 2^63.
	for (const bitrate of [2 ** 32, 3 * 2 ** 40, 10e12, 0x3ffff * 2 ** 63]) {
		const [m, e] = encodeRembBitrate(bitrate);
		assert.ok(m <= 0x3ffff && e <= 63);
		const back = Remb.parse(new Remb({ bitrate }).serialize())!.bitrate;
		assert.ok(back <= bitrate && back > bitrate * (1 - 2 ** -17), `${bitrate} -> ${back}`);
	}
	assert.equal(Remb.parse(new Remb({ bitrate: 0x3ffff * 2 ** 63 }).serialize())!.bitrate, 0x3ffff * 2 ** 63);
	assert.throws(() => encodeRembBitrate(0x40000 * 2 ** 63), RangeError);
	assert.throws(() => encodeRembBitrate(-1), RangeError);
	assert.throws(() => encodeRembBitrate(Infinity), RangeError);
});

test('REMB: representable bitrates round-trip exactly', () => {
	const rand = prng(210);
	for (let i = 0; i < 2000; i++) {
		const bitrate = randomRembBitrate(rand);
		assert.equal(Remb.parse(new Remb({ bitrate }).serialize())!.bitrate, bitrate);
	}
});

test('REMB: malformed input is refused', () => {
	assertRejectsMalformed(Remb.parse, REMB);
	assert.equal(Remb.parse(hex('8f ce 00 05 00000001 00000000 52 45 4d 43 01 0b d0 90 12345678')), undefined, 'not REMB');
	assert.equal(Remb.parse(hex('8f ce 00 05 00000001 00000000 52 45 4d 42 02 0b d0 90 12345678')), undefined, 'Num SSRC too big');
	assert.equal(Remb.parse(hex('8f ce 00 05 00000001 00000000 52 45 4d 42 00 0b d0 90 12345678')), undefined, 'Num SSRC too small');
	assert.equal(Remb.parse(hex('8f ce 00 03 00000001 00000000 52 45 4d 42')), undefined, 'no bitrate');
});

test('REMB: seeded random packets parse back to what built them', () => {
	const rand = prng(211);
	for (let i = 0; i < 300; i++) {
		const remb = randomRemb(rand);
		assert.deepEqual(Remb.parse(remb.serialize()), remb);
	}
});
