import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
	RawRtcpPacket,
	parseCompound,
	parseRtcpPacket,
	serializeCompound,
	validateCompound,
} from '../../../src/proto/rtcp/compound';
import { PictureLossIndication } from '../../../src/proto/rtcp/pli';
import { ReceiverReport } from '../../../src/proto/rtcp/receiverreport';
import { randomCompound, randomPacket } from './generators';
import { hex, prng, randBytes, randInt } from './helpers';

// Firefox compound (pion packet_test.go "realPacket"): RR, SDES, BYE, PLI, RTPFB FMT=5 (RRR, kept
// raw here), APP.
const CAPTURED = hex(`
	81 c9 00 07 90 2f 9e 2e bc 5e 9a 40 00 00 00 00 00 00 46 e1 00 00 01 11 09 f3 64 32 00 02 4a 79
	81 ca 00 0c 90 2f 9e 2e 01 26 7b 39 63 30 30 65 62 39 32 2d 31 61 66 62 2d 39 64 34 39 2d
	61 34 37 64 2d 39 31 66 36 34 65 65 65 36 39 66 35 7d 00 00 00 00
	81 cb 00 01 90 2f 9e 2e
	81 ce 00 02 90 2f 9e 2e 90 2f 9e 2e
	85 cd 00 02 90 2f 9e 2e 90 2f 9e 2e
	80 cc 00 03 4b aa e1 ab 4e 41 4d 45 41 42 43 44
`);

test('compound: captured datagram parses packet by packet and round-trips (RFC 3550 6.1)', () => {
	assert.equal(validateCompound(CAPTURED), 6);
	const packets = parseCompound(CAPTURED)!;
	assert.deepEqual(packets.map((p) => p.kind), ['rr', 'sdes', 'bye', 'pli', 'raw', 'app']);
	const raw = packets[4] as RawRtcpPacket;
	assert.equal(raw.packetType, 205);
	assert.equal(raw.count, 5);
	assert.deepEqual(serializeCompound(packets), CAPTURED);
});

test('compound: RFC 3550 A.2 checks', () => {
	const rr = hex('80 c9 00 01 00000001');
	const pli = hex('81 ce 00 02 00000001 00000002');
	assert.equal(validateCompound(Buffer.concat([rr, pli])), 2);
	assert.equal(validateCompound(pli), -1, 'first packet must be SR or RR');
	assert.equal(validateCompound(new Uint8Array(0)), -1, 'empty');
	assert.equal(validateCompound(Buffer.concat([rr, pli.subarray(0, 8)])), -1, 'lengths must add up to the datagram');
	assert.equal(validateCompound(Buffer.concat([rr, pli, hex('00')])), -1, 'trailing byte');
	const v1 = Buffer.concat([rr, pli]);
	v1[8] = 0x41;
	assert.equal(validateCompound(v1), -1, 'version 2 in every packet');
	// Padding only in the last packet.
	const paddedRr = hex('a0 c9 00 02 00000001 00000004');
	assert.equal(validateCompound(Buffer.concat([paddedRr, pli])), -1);
	assert.equal(validateCompound(Buffer.concat([paddedRr, pli]), { allowPaddingAnywhere: true }), 2);
	assert.equal(validateCompound(Buffer.concat([rr, hex('a1 ce 00 03 00000001 00000002 00000004')])), 2);
	// A packet inside that is malformed fails the whole datagram.
	assert.equal(parseCompound(Buffer.concat([rr, hex('81 ce 00 03 00000001 00000002 00000003')])), undefined);
});

test('compound: reduced-size RTCP (RFC 5506) only when allowed', () => {
	const pli = hex('81 ce 00 02 00000001 00000002');
	assert.equal(parseCompound(pli), undefined);
	const packets = parseCompound(pli, { allowReducedSize: true })!;
	assert.ok(packets[0] instanceof PictureLossIndication);
	// A lone transport-cc from Chrome with the P bit set.
	const tcc = hex('af cd 00 07 00000001 dd586eb6 0001 0009 5e9110 00 2009 1c 0c 2c 38 00 04 00 08 18 01');
	assert.equal(parseCompound(tcc, { allowReducedSize: true })![0].kind, 'transport-cc');
});

test('compound: parseRtcpPacket dispatches on PT and FMT, unknown ones stay raw', () => {
	assert.equal(parseRtcpPacket(hex('8f ce 00 05 00000001 00000000 52454d42 01 0bd090 12345678'))!.kind, 'remb');
	assert.equal(parseRtcpPacket(hex('8f ce 00 03 00000001 00000000 41424344'))!.kind, 'raw', 'AFB that is not REMB');
	assert.equal(parseRtcpPacket(hex('83 cd 00 02 00000001 00000002'))!.kind, 'raw', 'TMMBR');
	assert.equal(parseRtcpPacket(hex('80 c3 00 00'))!.kind, 'raw', 'PT 195');
	assert.equal(parseRtcpPacket(hex('80 c9 00')), undefined);
	assert.equal(parseRtcpPacket(hex('80 c9 00 01 00000001'), 2, 8), undefined, 'range beyond the buffer');
});

test('compound: seeded random compounds parse back to what built them', () => {
	const rand = prng(215);
	for (let i = 0; i < 500; i++) {
		const packets = randomCompound(rand);
		const bytes = serializeCompound(packets);
		assert.equal(validateCompound(bytes), packets.length);
		assert.deepEqual(parseCompound(bytes), packets);
	}
	// Reduced-size: any packet first.
	for (let i = 0; i < 300; i++) {
		const p = randomPacket(rand);
		const bytes = p.serialize();
		assert.deepEqual(parseCompound(bytes, { allowReducedSize: true }), [p]);
	}
	assert.ok(new ReceiverReport().serialize().length === 8);
});

test('compound fuzz: 120,000 random and mutated datagrams, no throw, stable re-serialization', () => {
	const rand = prng(0xf022);
	const seeds: Uint8Array[] = [CAPTURED];
	for (let i = 0; i < 200; i++) seeds.push(serializeCompound(randomCompound(rand)));
	const start = Date.now();
	let parsed = 0;
	for (let i = 0; i < 120_000; i++) {
		let input: Uint8Array;
		const mode = i % 4;
		if (mode === 0) {
			input = randBytes(rand, randInt(rand, 64));
			// Often make it look like RTCP so the parser goes deep.
			if (input.length > 1 && rand() < 0.7) {
				input[0] = 0x80 | (input[0] & 0x3f);
				input[1] = 200 + randInt(rand, 8);
			}
		} else {
			const seed = seeds[randInt(rand, seeds.length)];
			const m = Buffer.from(seed);
			const flips = 1 + randInt(rand, 4);
			for (let f = 0; f < flips; f++) {
				const at = randInt(rand, m.length);
				if (mode === 1) m[at] ^= 1 << randInt(rand, 8);
				else m[at] = randInt(rand, 256);
			}
			input = mode === 3 ? m.subarray(0, randInt(rand, m.length + 1)) : m;
		}
		const options = { allowReducedSize: (i & 8) !== 0, allowPaddingAnywhere: (i & 16) !== 0 };
		const packets = parseCompound(input, options);
		if (!packets) continue;
		parsed++;
		// Whatever parses serializes, and that parses back to the same packets.
		const bytes = serializeCompound(packets);
		const again = parseCompound(bytes, { allowReducedSize: true, allowPaddingAnywhere: true });
		assert.ok(again, 're-serialized datagram parses');
		assert.ok(serializeCompound(again).equals(bytes));
		// A full structural comparison costs more; sample it.
		if ((parsed & 15) === 0) assert.deepEqual(again, packets);
	}
	const ms = Date.now() - start;
	assert.ok(parsed > 1000, `only ${parsed} inputs parsed`);
	assert.ok(ms < 20_000, `fuzz took ${ms} ms`);
});
