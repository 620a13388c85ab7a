import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
	TCC_LOST,
	TransportCcBuilder,
	TransportCcFeedback,
	buildTransportCc,
} from '../../../src/proto/rtcp/transportcc';
import { randomTccPairs } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng, randInt } from './helpers';

// Captured from Chrome (olivermichel/webrtc-analysis test data): run-length chunk 0x2009 = 9 small
// deltas, P bit with one octet of padding as libwebrtc sends it.
const CHROME_1 = hex(`
	af cd 00 07  00 00 00 01  dd 58 6e b6  00 01 00 09
	5e 91 10 00  20 09 1c 0c  2c 38 00 04  00 08 18 01
`);

// pion transport_layer_cc_test.go "example4": run of 7 small deltas, 3 octets of padding.
const PION_4 = hex('af cd 00 07 fa 17 fa 17 19 3d d8 bb 00 04 00 07 10 63 6e 01 20 07 4c 24 24 10 0c 0c 10 00 00 03');
// pion "example6": a 2-bit vector (5 small, 1 lost, 1 large) then a run of 48 not received, only 9
// of the statuses counted; one octet of padding.
const PION_6 = hex('af cd 00 07 9b 74 f6 1f 93 71 dc bc 85 3c 00 09 63 f9 16 b3 d5 52 00 30 9b aa 6a aa 7b 01 09 01');

test('transport-cc: captured Chrome packet (draft section 3.1, run-length chunk 3.1.3)', () => {
	const fb = assertRoundTrip(TransportCcFeedback.parse, CHROME_1);
	assert.equal(fb.kind, 'transport-cc');
	assert.equal(fb.senderSsrc, 1);
	assert.equal(fb.mediaSsrc, 0xdd586eb6);
	assert.equal(fb.baseSequenceNumber, 1);
	assert.equal(fb.packetStatusCount, 9);
	assert.equal(fb.referenceTime, 6197520);
	assert.equal(fb.feedbackPacketCount, 0);
	assert.equal(fb.padding, 1);
	assert.deepEqual(fb.chunks, [0x2009]);
	// 7, 3, 11, 14, 0, 1, 0, 2, 6 ms.
	assert.deepEqual(fb.deltas, [0x1c, 0x0c, 0x2c, 0x38, 0x00, 0x04, 0x00, 0x08, 0x18]);
	const results = fb.getPacketResults();
	assert.equal(results.length, 9);
	assert.deepEqual(results.map((r) => r.sequenceNumber), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
	const base = 6197520 * 64000;
	assert.deepEqual(results.map((r) => r.arrivalUs - base), [7000, 10000, 21000, 35000, 35000, 36000, 36000, 38000, 44000]);
	assert.ok(results.every((r) => r.received));
});

test('transport-cc: 2-bit status vector, large delta and a longer-than-needed run (3.1.4)', () => {
	assertRoundTrip(TransportCcFeedback.parse, PION_4);
	const fb = assertRoundTrip(TransportCcFeedback.parse, PION_6);
	assert.equal(fb.baseSequenceNumber, 34108);
	assert.equal(fb.referenceTime, 6551830);
	assert.equal(fb.feedbackPacketCount, 179);
	assert.deepEqual(fb.chunks, [0xd552, 0x0030]);
	assert.deepEqual(fb.deltas, [0x9b, 0xaa, 0x6a, 0xaa, 0x7b, 265]);
	const r = fb.getPacketResults();
	assert.deepEqual(r.map((x) => x.received), [true, true, true, true, true, false, true, false, false]);
	assert.equal(r[6].arrivalUs - r[4].arrivalUs, 66250, 'large delta 265 * 250 us');
});

test('transport-cc: draft 3.1.3 example 1, a run of 221 "not received"', () => {
	// One chunk 0x00dd, no deltas, two octets of zero padding (draft figure: "zero padding").
	const b = hex('8f cd 00 05 00000001 00000002 0000 00dd 000000 00 00dd 0000');
	const fb = assertRoundTrip(TransportCcFeedback.parse, b);
	assert.equal(fb.packetStatusCount, 221);
	assert.equal(fb.deltas.length, 0);
	assert.ok(fb.getPacketResults().every((r) => !r.received));
});

test('transport-cc: 1-bit vector, 1 = received with small delta (libwebrtc meaning)', () => {
	// 0xba00: T=1 S=0, symbols 1 1 1 0 1 0 ... : packets 0, 1, 2, 4 received; negative reference time.
	const b = hex('8f cd 00 06 00000001 00000002 fffe 000e ff ff ff 05 ba00 10 0c 0c 10 0000');
	const fb = assertRoundTrip(TransportCcFeedback.parse, b);
	assert.equal(fb.referenceTime, -1, '24-bit signed');
	const r = fb.getPacketResults();
	assert.deepEqual(r.filter((x) => x.received).map((x) => x.sequenceNumber), [0xfffe, 0xffff, 0, 2], 'wraps at 65535');
	assert.equal(r[0].arrivalUs, -64000 + 16 * 250);
});

test('transport-cc: malformed input is refused', () => {
	assertRejectsMalformed(TransportCcFeedback.parse, CHROME_1);
	// pion "example5": padding count 3 where the 4th delta should be (libwebrtc refuses it too).
	assert.equal(TransportCcFeedback.parse(hex('af cd 00 06 fa17fa17 193dd8bb 0001 000e 10636d 00 ba00 10 0c 0c 10 00 03')), undefined);
	assert.equal(TransportCcFeedback.parse(hex('8f cd 00 04 00000001 00000002 0000 0000 000000 00')), undefined, 'status count 0');
	assert.equal(TransportCcFeedback.parse(hex('8f cd 00 05 00000001 00000002 0000 0001 000000 00 6001 0000')), undefined, 'reserved symbol 11 in a run');
	assert.equal(TransportCcFeedback.parse(hex('8f cd 00 05 00000001 00000002 0000 0001 000000 00 f000 0000')), undefined, 'reserved symbol in a vector');
	assert.equal(TransportCcFeedback.parse(hex('8f cd 00 05 00000001 00000002 0000 0003 000000 00 2003 0102')), undefined, 'missing a delta');
	assert.equal(TransportCcFeedback.parse(hex('8f cd 00 05 00000001 00000002 0000 000f 000000 00 000e 0000')), undefined, 'chunks short of the count');
	assert.equal(TransportCcFeedback.parse(hex('8f cd 00 06 00000001 00000002 0000 0001 000000 00 2001 05 000000 00000000')), undefined, 'a whole word of slack');
	assert.equal(TransportCcFeedback.parse(hex('8f cd 00 03 00000001 00000002 0000 0001')), undefined, 'no reference time');
});

test('transport-cc builder: 100 in-order packets make one run-length chunk', () => {
	const b = new TransportCcBuilder({ senderSsrc: 1, mediaSsrc: 2, feedbackPacketCount: 9 });
	for (let i = 0; i < 100; i++) assert.ok(b.add(65500 + i, 1_000_000 + i * 1000));
	const fb = b.build();
	assert.deepEqual(fb.chunks, [(1 << 13) | 100]);
	assert.equal(fb.baseSequenceNumber, 65500);
	assert.equal(fb.packetStatusCount, 100);
	assert.equal(fb.feedbackPacketCount, 9);
	assert.equal(fb.referenceTime, 15, '1 s / 64 ms');
	assert.equal(fb.deltas[0], (1_000_000 - 15 * 64000) / 250);
	const bytes = fb.serialize();
	assert.equal(bytes.length, 20 + 2 + 100 + 2);
	assert.equal(b.size(), bytes.length);
	const back = TransportCcFeedback.parse(bytes)!.getPacketResults();
	assert.equal(back[99].sequenceNumber, (65500 + 99) & 0xffff);
	assert.equal(back[99].arrivalUs, 1_000_000 + 99 * 1000);
});

test('transport-cc builder: mixed statuses choose 1-bit and 2-bit vectors, gaps are lost', () => {
	const b = new TransportCcBuilder();
	// 0 received, 1 lost, 2 received, 3 lost ... then one reordered (negative delta) packet.
	for (let i = 0; i < 14; i += 2) assert.ok(b.add(i, 10_000 + i * 250));
	assert.ok(b.add(14, 5_000));
	const fb = b.build();
	assert.equal(fb.packetStatusCount, 15);
	assert.equal(fb.chunks.length, 2);
	assert.equal(fb.chunks[0] >>> 14, 0b10, 'first a 1-bit vector of 14');
	assert.equal(fb.chunks[1], (2 << 13) | 1, 'then a run of one large delta');
	const r = TransportCcFeedback.parse(fb.serialize())!.getPacketResults();
	assert.deepEqual(r.map((x) => x.received), [true, false, true, false, true, false, true, false, true, false, true, false, true, false, true]);
	assert.equal(r[14].arrivalUs, 5_000);
	// Sequence numbers must move forward.
	assert.equal(b.add(14, 6_000), false);
	assert.equal(b.add(3, 6_000), false);
	// A delta beyond 16-bit signed ticks (8.19 s) does not fit.
	assert.equal(b.add(15, 5_000 + 8_192_000), false);
	assert.equal(b.add(15, 5_000 + 8_191_750), true);
});

test('transport-cc builder: packets never exceed maxSize and split with consecutive counts', () => {
	const rand = prng(213);
	const pairs = randomTccPairs(rand, 3000);
	for (const maxSize of [24, 64, 200, 1200]) {
		const fbs = buildTransportCc(pairs, { maxSize, feedbackPacketCount: 250, paddingBit: maxSize === 200 });
		assert.ok(fbs.length > 1);
		fbs.forEach((fb, i) => {
			const bytes = fb.serialize();
			assert.ok(bytes.length <= maxSize, `${bytes.length} > ${maxSize}`);
			assert.equal(fb.feedbackPacketCount, (250 + i) & 0xff);
			assertRoundTrip(TransportCcFeedback.parse, bytes);
		});
	}
});

/** Expected result per sequence number from the pairs (arrival floored to 250 us ticks). */
function expectedResults(pairs: { sequenceNumber: number; arrivalUs: number }[]): Map<number, number> {
	const m = new Map<number, number>();
	for (const p of pairs) m.set(p.sequenceNumber, p.arrivalUs < 0 ? -1 : Math.floor(p.arrivalUs / 250) * 250);
	return m;
}

test('transport-cc builder: seeded random arrivals parse back to the same per-packet results', () => {
	const rand = prng(214);
	let packets = 0;
	for (let i = 0; i < 300; i++) {
		const pairs = randomTccPairs(rand, 1 + randInt(rand, 400));
		const expected = expectedResults(pairs);
		let covered = 0;
		for (const fb of buildTransportCc(pairs, { maxSize: 100 + randInt(rand, 1200) })) {
			const parsed = TransportCcFeedback.parse(fb.serialize())!;
			assert.deepEqual(parsed, fb);
			for (const r of parsed.getPacketResults()) {
				const want = expected.get(r.sequenceNumber);
				if (!r.received) {
					assert.ok(want === undefined || want === -1, `seq ${r.sequenceNumber} reported lost`);
					continue;
				}
				assert.ok(want !== undefined && want >= 0, `seq ${r.sequenceNumber} reported received`);
				// Equal modulo the 24-bit reference time wrap (2^24 * 64 ms).
				assert.equal(((want - r.arrivalUs) / 64000) % 2 ** 24, 0, `seq ${r.sequenceNumber}: ${want} vs ${r.arrivalUs}`);
				covered++;
			}
			packets++;
		}
		assert.equal(covered, [...expected.values()].filter((v) => v >= 0).length, 'every received packet reported once');
	}
	assert.ok(packets >= 300);
});
