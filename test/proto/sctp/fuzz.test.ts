import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { SctpAssociation, decodeChunk, encodeChunk, finalizePacket, parsePacket, parseDcep, serializePacket, type Chunk } from '../../../src/proto/sctp';
import { Link, prng } from './sim';

const seeds: Chunk[] = [
	{ kind: 'data', unordered: false, beginning: true, ending: true, immediate: false, tsn: 1, streamId: 0, ssn: 0, ppid: 51, userData: Buffer.from('hello') },
	{ kind: 'init', initiateTag: 1, aRwnd: 1500, os: 2, mis: 2, initialTsn: 1, cookie: undefined, forwardTsnSupported: true, supportedExtensions: [130, 192], unrecognized: [], other: [] },
	{ kind: 'sack', cumulativeTsnAck: 1, aRwnd: 1500, gapBlocks: [2, 4], duplicateTsns: [1] },
	{ kind: 'forward-tsn', newCumulativeTsn: 3, streams: [{ streamId: 0, ssn: 1 }] },
	{ kind: 'reconfig', params: [{ type: 13, reqSeq: 1, respSeq: 0, lastTsn: 1, streams: [0] }] },
	{ kind: 'heartbeat', info: Buffer.alloc(12) },
	{ kind: 'error', tBit: false, causes: [{ code: 3, info: Buffer.alloc(4) }] },
];

function mutate(rnd: () => number, base: Buffer): Buffer {
	const b = Buffer.from(base);
	const n = 1 + Math.floor(rnd() * 4);
	for (let i = 0; i < n; i++) {
		const r = rnd();
		if (r < 0.6 && b.length > 0) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
		else if (r < 0.8) return b.subarray(0, Math.floor(rnd() * b.length));
		else return Buffer.concat([b, Buffer.from([Math.floor(rnd() * 256), Math.floor(rnd() * 256)])]);
	}
	return b;
}

test('fuzz: 100,000 seeded mutated/random packets through parsePacket and decodeChunk never throw', () => {
	const rnd = prng(0x5c7);
	const bases = seeds.map((c) => serializePacket(5000, 5000, 1, [encodeChunk(c)]));
	bases.push(serializePacket(5000, 5000, 1, seeds.map((c) => encodeChunk(c))));
	let parsed = 0;
	for (let i = 0; i < 100_000; i++) {
		let buf: Buffer;
		if (i % 10 === 0) {
			buf = Buffer.alloc(Math.floor(rnd() * 64));
			for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(rnd() * 256);
		} else buf = mutate(rnd, bases[i % bases.length]);
		const p = parsePacket(buf, false);
		if (!p) continue;
		parsed++;
		for (const c of p.chunks) decodeChunk(c);
		parseDcep(buf.subarray(12));
	}
	assert.ok(parsed > 10_000, `parsed ${parsed}`);
});

test('fuzz: mutated packets with valid checksums into connected associations never throw and never break delivery', () => {
	const rnd = prng(99);
	const got: number[] = [];
	const a = new SctpAssociation({ heartbeatIntervalMs: 0 });
	const b = new SctpAssociation({ role: 'server', heartbeatIntervalMs: 0, onMessage: (_s, _p, d) => got.push(d.readUInt32BE(0)) });
	const link = new Link(a, b, { seed: 5 });
	a.connect(0);
	assert.ok(link.run(() => a.state === 'connected' && b.state === 'connected'));
	// Capture real packets from a, then replay mutated copies (CRC fixed up) into b.
	const captured: Buffer[] = [];
	const link2 = new Link(a, b, {
		seed: 6,
		filter: (from, buf) => {
			if (from === 'a') captured.push(Buffer.from(buf));
			return false;
		},
	});
	link2.now = link.now;
	for (let i = 0; i < 200; i++) assert.equal(a.send(i % 3, 53, Buffer.alloc(4 + (i % 5) * 300), {}, link2.now), 'ok');
	assert.ok(link2.run(() => got.length === 200));
	const tag = captured[0].readUInt32BE(4);
	for (let i = 0; i < 20_000; i++) {
		const base = captured[i % captured.length];
		const m = mutate(rnd, base);
		if (m.length < 12) continue;
		if (rnd() < 0.7 && m.length >= 8) m.writeUInt32BE(tag, 4); // keep the tag so chunks get processed
		if (m.length >= 12) finalizePacket(m);
		b.handlePacket(m, link2.now + i * 0.01);
		a.handlePacket(m, link2.now + i * 0.01);
		b.pollOutgoing();
		a.pollOutgoing();
	}
	assert.equal(a.stats.internalErrors, 0);
	assert.equal(b.stats.internalErrors, 0);
});
