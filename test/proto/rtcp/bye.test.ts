import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Goodbye } from '../../../src/proto/rtcp/bye';
import { randomBye } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng } from './helpers';

test('BYE: SSRC list from a captured packet (RFC 3550 6.6)', () => {
	const bye = assertRoundTrip(Goodbye.parse, hex('81 cb 00 01 90 2f 9e 2e'));
	assert.equal(bye.kind, 'bye');
	assert.deepEqual(bye.ssrcs, [0x902f9e2e]);
	assert.equal(bye.reason, null);
});

const BYE_REASON = hex('82 cb 00 04 00000001 00000002 05 62 79 65 21 21 00 00');

test('BYE: reason text padded with zeros to 32 bits (RFC 3550 6.6)', () => {
	const bye = assertRoundTrip(Goodbye.parse, BYE_REASON);
	assert.deepEqual(bye.ssrcs, [1, 2]);
	assert.equal(bye.reasonText, 'bye!!');
	// A reason of exactly 3 octets needs no pad octet; an empty reason needs three.
	assert.equal(assertRoundTrip(Goodbye.parse, hex('81 cb 00 02 00000001 03 616263')).reasonText, 'abc');
	assert.equal(assertRoundTrip(Goodbye.parse, hex('81 cb 00 02 00000001 00 000000')).reasonText, '');
	assert.equal(assertRoundTrip(Goodbye.parse, hex('80 cb 00 00')).ssrcs.length, 0);
});

test('BYE: malformed input is refused', () => {
	assertRejectsMalformed(Goodbye.parse, BYE_REASON);
	assert.equal(Goodbye.parse(hex('83 cb 00 02 00000001 00000002')), undefined, 'SC past the end');
	assert.equal(Goodbye.parse(hex('81 cb 00 02 00000001 09 616263')), undefined, 'reason past the end');
	assert.equal(Goodbye.parse(hex('81 cb 00 03 00000001 00 000000 00000000')), undefined, 'a word after the reason');
});

test('BYE: seeded random packets parse back to what built them', () => {
	const rand = prng(203);
	for (let i = 0; i < 500; i++) {
		const bye = randomBye(rand);
		assert.deepEqual(Goodbye.parse(bye.serialize()), bye);
	}
});
