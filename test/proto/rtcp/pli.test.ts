import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PictureLossIndication } from '../../../src/proto/rtcp/pli';
import { randomPli } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng } from './helpers';

// From pion's captured compound (packet_test.go).
const PLI = hex('81 ce 00 02 90 2f 9e 2e 90 2f 9e 2e');

test('PLI: PSFB FMT=1 with no FCI (RFC 4585 6.3.1)', () => {
	const pli = assertRoundTrip(PictureLossIndication.parse, PLI);
	assert.equal(pli.kind, 'pli');
	assert.equal(pli.senderSsrc, 0x902f9e2e);
	assert.equal(pli.mediaSsrc, 0x902f9e2e);
	assert.deepEqual(new PictureLossIndication(0x902f9e2e, 0x902f9e2e).serialize(), PLI);
	assert.equal(assertRoundTrip(PictureLossIndication.parse, hex('a1 ce 00 03 00000001 00000002 00000004')).padding, 4);
});

test('PLI: malformed input is refused', () => {
	assertRejectsMalformed(PictureLossIndication.parse, PLI);
	assert.equal(PictureLossIndication.parse(hex('81 ce 00 03 00000001 00000002 00000003')), undefined, 'FCI present');
	assert.equal(PictureLossIndication.parse(hex('81 ce 00 01 00000001')), undefined, 'no media SSRC');
});

test('PLI: seeded random packets parse back to what built them', () => {
	const rand = prng(207);
	for (let i = 0; i < 200; i++) {
		const pli = randomPli(rand);
		assert.deepEqual(PictureLossIndication.parse(pli.serialize()), pli);
	}
});
