import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DlrrBlock, ExtendedReport, RawXrBlock, RrtrBlock } from '../../../src/proto/rtcp/xr';
import { randomXr } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng } from './helpers';

// XR with an RRTR block (BT=4, length 2), a DLRR block with two sub-blocks (BT=5, length 6) and
// an unknown BT=42 block of one word.
const XR = hex(`
	80 cf 00 0d  11223344
	04 00 00 02  e84f2a01 80000000
	05 00 00 06  00000001 2a018000 00010000  00000002 00000000 00000000
	2a 07 00 01  deadbeef
`);

test('XR: RRTR, DLRR and an unknown block kept raw (RFC 3611 4.4, 4.5, 3)', () => {
	const xr = assertRoundTrip(ExtendedReport.parse, XR);
	assert.equal(xr.kind, 'xr');
	assert.equal(xr.ssrc, 0x11223344);
	assert.deepEqual(xr.blocks, [
		new RrtrBlock(0xe84f2a01, 0x80000000),
		new DlrrBlock([{ ssrc: 1, lastRr: 0x2a018000, delaySinceLastRr: 0x10000 }, { ssrc: 2, lastRr: 0, delaySinceLastRr: 0 }]),
		new RawXrBlock(42, 7, new Uint8Array(hex('deadbeef'))),
	]);
	assert.equal(assertRoundTrip(ExtendedReport.parse, hex('80 cf 00 01 00000001')).blocks.length, 0);
	assert.equal(assertRoundTrip(ExtendedReport.parse, hex('80 cf 00 02 00000001 05 00 00 00')).blocks.length, 1, 'empty DLRR');
});

test('XR: malformed input is refused', () => {
	assertRejectsMalformed(ExtendedReport.parse, XR);
	assert.equal(ExtendedReport.parse(hex('80 cf 00 03 00000001 04 00 00 01 00000000')), undefined, 'RRTR length 1');
	assert.equal(ExtendedReport.parse(hex('80 cf 00 03 00000001 05 00 00 01 00000000')), undefined, 'DLRR not 3 words per item');
	assert.equal(ExtendedReport.parse(hex('80 cf 00 02 00000001 2a 00 00 01')), undefined, 'block past the end');
	assert.equal(ExtendedReport.parse(hex('80 cf 00 02 00000001 2a 00')), undefined, 'half a block header');
});

test('XR: seeded random packets parse back to what built them', () => {
	const rand = prng(212);
	for (let i = 0; i < 300; i++) {
		const xr = randomXr(rand);
		assert.deepEqual(ExtendedReport.parse(xr.serialize()), xr);
	}
});
