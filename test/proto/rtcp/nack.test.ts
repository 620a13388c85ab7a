import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenericNack } from '../../../src/proto/rtcp/nack';
import { randomNack } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng, randInt } from './helpers';

// RTPFB FMT=1, two FCI entries: PID 100 with BLP 0x0005 (101 and 103 lost), PID 65535 alone.
const NACK = hex('81 cd 00 04 00000001 00000002 0064 0005 ffff 0000');

test('NACK: PID + BLP entries (RFC 4585 6.2.1)', () => {
	const nack = assertRoundTrip(GenericNack.parse, NACK);
	assert.equal(nack.kind, 'nack');
	assert.equal(nack.senderSsrc, 1);
	assert.equal(nack.mediaSsrc, 2);
	assert.deepEqual(nack.entries, [{ pid: 100, blp: 5 }, { pid: 65535, blp: 0 }]);
	assert.deepEqual(nack.toSequenceNumbers(), [100, 101, 103, 65535]);
});

test('NACK: built from lost sequence numbers, packed into BLP', () => {
	const nack = GenericNack.fromSequenceNumbers(1, 2, [100, 101, 103, 116, 117, 200]);
	// 101 is bit 0, 103 bit 2, 116 bit 15; 117 is 17 after 100 so it starts a new entry.
	assert.deepEqual(nack.entries, [{ pid: 100, blp: 0x8005 }, { pid: 117, blp: 0 }, { pid: 200, blp: 0 }]);
	assert.deepEqual(nack.toSequenceNumbers(), [100, 101, 103, 116, 117, 200]);
	assert.equal(GenericNack.fromSequenceNumbers(1, 2, []).entries.length, 0);
});

test('NACK: wraparound across 65535 -> 0 stays one entry, in any input order', () => {
	const nack = GenericNack.fromSequenceNumbers(1, 2, [1, 65534, 0, 65535, 65535]);
	assert.deepEqual(nack.entries, [{ pid: 65534, blp: 0b111 }]);
	assert.deepEqual(nack.toSequenceNumbers(), [65534, 65535, 0, 1]);
	assertRoundTrip(GenericNack.parse, nack.serialize());
});

test('NACK: random loss sets expand back to the same list', () => {
	const rand = prng(205);
	for (let i = 0; i < 1000; i++) {
		const start = randInt(rand, 0x10000);
		const span = 1 + randInt(rand, 3000);
		const lost = new Set<number>();
		for (let n = randInt(rand, 200); n >= 0; n--) lost.add((start + randInt(rand, span)) & 0xffff);
		// In packet order from `start`, i.e. across the wrap.
		const expected = [...lost].sort((a, b) => ((a - start) & 0xffff) - ((b - start) & 0xffff));
		const shuffled = [...lost].sort(() => rand() - 0.5);
		const nack = GenericNack.fromSequenceNumbers(7, 8, shuffled);
		assert.deepEqual(nack.toSequenceNumbers(), expected);
		assert.deepEqual(GenericNack.parse(nack.serialize())!.toSequenceNumbers(), expected);
		// Never more entries than needed: each entry's PID is a lost packet not covered before.
		assert.ok(nack.entries.length <= expected.length);
	}
});

test('NACK: malformed input is refused', () => {
	assertRejectsMalformed(GenericNack.parse, NACK);
	assert.equal(GenericNack.parse(hex('81 cd 00 02 00000001 00000002')), undefined, 'no FCI');
	assert.equal(GenericNack.parse(hex('82 cd 00 03 00000001 00000002 0064 0005')), undefined, 'wrong FMT');
	assert.equal(GenericNack.parse(hex('81 ce 00 03 00000001 00000002 0064 0005')), undefined, 'PSFB, not RTPFB');
});

test('NACK: seeded random packets parse back to what built them', () => {
	const rand = prng(206);
	for (let i = 0; i < 500; i++) {
		const nack = randomNack(rand);
		assert.deepEqual(GenericNack.parse(nack.serialize()), nack);
	}
});
