import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SliceLossIndication } from '../../../src/proto/rtcp/sli';
import { randomSli } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng } from './helpers';

// First=0x1fff (13 bits), Number=1, PictureID=0x3f: 1111111111111 0000000000001 111111.
const SLI = hex('82 ce 00 03 00000001 00000002 ff f8 00 7f');

test('SLI: First, Number, PictureID bit fields (RFC 4585 6.3.2)', () => {
	const sli = assertRoundTrip(SliceLossIndication.parse, SLI);
	assert.equal(sli.kind, 'sli');
	assert.deepEqual(sli.entries, [{ first: 0x1fff, number: 1, pictureId: 0x3f }]);
	const two = new SliceLossIndication({ senderSsrc: 1, mediaSsrc: 2, entries: [{ first: 1, number: 0x1fff, pictureId: 0 }, { first: 0, number: 0, pictureId: 1 }] });
	assert.deepEqual(two.serialize(), hex('82 ce 00 04 00000001 00000002 00 0f ff c0 00000001'));
});

test('SLI: malformed input is refused', () => {
	assertRejectsMalformed(SliceLossIndication.parse, SLI);
	assert.equal(SliceLossIndication.parse(hex('82 ce 00 02 00000001 00000002')), undefined, 'no FCI');
});

test('SLI: seeded random packets parse back to what built them', () => {
	const rand = prng(208);
	for (let i = 0; i < 300; i++) {
		const sli = randomSli(rand);
		assert.deepEqual(SliceLossIndication.parse(sli.serialize()), sli);
	}
});
