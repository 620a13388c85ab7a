import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
	ChunkType,
	decodeChunk,
	encodeChunk,
	parsePacket,
	serializePacket,
	type Chunk,
	buildDcepAck,
	buildDcepOpen,
	channelParameters,
	channelTypeOf,
	fromWire,
	parseDcep,
	toWire,
	Ppid,
	ChannelType,
} from '../../../src/proto/sctp';

function roundTrip(c: Chunk): Chunk {
	const pkt = serializePacket(5000, 5001, 0xdeadbeef, [encodeChunk(c)]);
	assert.equal(pkt.length % 4, 0, 'padded to 4 bytes (RFC 9260 3.2)');
	const p = parsePacket(pkt);
	assert.ok(p);
	assert.equal(p.srcPort, 5000);
	assert.equal(p.dstPort, 5001);
	assert.equal(p.verificationTag, 0xdeadbeef);
	assert.equal(p.chunks.length, 1);
	const d = decodeChunk(p.chunks[0]);
	assert.ok(d);
	return d;
}

test('RFC 9260 3.3.1: DATA round trip with U/B/E/I flags and odd payload length', () => {
	const c: Chunk = { kind: 'data', unordered: true, beginning: true, ending: false, immediate: true, tsn: 0xfffffffe, streamId: 7, ssn: 65535, ppid: 53, userData: Buffer.from('hello') };
	const d = roundTrip(c);
	assert.deepEqual({ ...d, userData: undefined }, { ...c, userData: undefined });
	assert.deepEqual((d as { userData: Buffer }).userData, Buffer.from('hello'));
	const raw = encodeChunk(c);
	assert.equal(raw[1], 0x0e);
	assert.equal(raw.readUInt16BE(2), 16 + 5, 'length excludes padding');
});

test('RFC 9260 3.3.2/3.3.3: INIT and INIT ACK round trip (cookie, FORWARD-TSN, Supported Extensions)', () => {
	const init: Chunk = { kind: 'init', initiateTag: 0x11223344, aRwnd: 131072, os: 1024, mis: 65535, initialTsn: 42, cookie: undefined, forwardTsnSupported: true, supportedExtensions: [ChunkType.RECONFIG, ChunkType.FORWARD_TSN], unrecognized: [], other: [] };
	assert.deepEqual(roundTrip(init), init);
	const ack: Chunk = { ...init, kind: 'init-ack', cookie: Buffer.from('a cookie of odd length') };
	assert.deepEqual(roundTrip(ack), ack);
});

test('RFC 9260 3.2.1: unknown INIT parameters follow their upper two bits', () => {
	const body = Buffer.alloc(16);
	body.writeUInt32BE(1, 0);
	body.writeUInt32BE(1500, 4);
	body.writeUInt16BE(1, 8);
	body.writeUInt16BE(1, 10);
	const p = (type: number): Buffer => {
		const b = Buffer.alloc(8);
		b.writeUInt16BE(type, 0);
		b.writeUInt16BE(8, 2);
		return b;
	};
	const mk = (...params: Buffer[]): Buffer => {
		const v = Buffer.concat([body, ...params]);
		const h = Buffer.alloc(4);
		h[0] = 1;
		h.writeUInt16BE(4 + v.length, 2);
		return Buffer.concat([h, v]);
	};
	const parse = (chunk: Buffer) => {
		const d = decodeChunk(parsePacket(serializePacket(1, 2, 0, [chunk]))!.chunks[0]);
		assert.ok(d && d.kind === 'init');
		return d;
	};
	// 0b11: skip and report; then FORWARD-TSN-supported is still seen.
	let d = parse(mk(p(0xc123), p(0xc000)));
	assert.equal(d.unrecognized.length, 1);
	assert.equal(d.forwardTsnSupported, true);
	// 0b00: stop processing, do not report.
	d = parse(mk(p(0x0123), p(0xc000)));
	assert.equal(d.unrecognized.length, 0);
	assert.equal(d.forwardTsnSupported, false);
	// 0b01: stop and report.
	d = parse(mk(p(0x4123), p(0xc000)));
	assert.equal(d.unrecognized.length, 1);
	assert.equal(d.forwardTsnSupported, false);
});

test('RFC 9260 3.3.4: SACK with gap ack blocks and duplicate TSNs', () => {
	const c: Chunk = { kind: 'sack', cumulativeTsnAck: 100, aRwnd: 65536, gapBlocks: [2, 3, 5, 9], duplicateTsns: [99, 98] };
	assert.deepEqual(roundTrip(c), c);
	const raw = encodeChunk(c);
	assert.equal(raw.readUInt16BE(2), 4 + 12 + 8 + 8);
});

test('RFC 9260 3.3.5-3.3.13: HEARTBEAT(-ACK), ABORT, SHUTDOWN(-ACK/-COMPLETE), ERROR, COOKIE ECHO/ACK', () => {
	const chunks: Chunk[] = [
		{ kind: 'heartbeat', info: Buffer.from('123456789') },
		{ kind: 'heartbeat-ack', info: Buffer.from('abc') },
		{ kind: 'abort', tBit: true, causes: [{ code: 12, info: Buffer.from('bye') }] },
		{ kind: 'abort', tBit: false, causes: [] },
		{ kind: 'shutdown', cumulativeTsnAck: 0xffffffff },
		{ kind: 'shutdown-ack' },
		{ kind: 'shutdown-complete', tBit: true },
		{ kind: 'error', tBit: false, causes: [{ code: 3, info: Buffer.from([0, 0, 1, 0]) }, { code: 1, info: Buffer.from([0, 9, 0, 0]) }] },
		{ kind: 'cookie-echo', cookie: Buffer.from('xyz') },
		{ kind: 'cookie-ack' },
	];
	for (const c of chunks) assert.deepEqual(roundTrip(c), c, c.kind);
});

test('RFC 3758 3.2: FORWARD-TSN with stream/SSN pairs', () => {
	const c: Chunk = { kind: 'forward-tsn', newCumulativeTsn: 5, streams: [{ streamId: 1, ssn: 2 }, { streamId: 300, ssn: 65535 }] };
	assert.deepEqual(roundTrip(c), c);
	assert.equal(encodeChunk(c)[0], 192);
});

test('RFC 6525 4: RE-CONFIG outgoing/incoming SSN reset requests and responses', () => {
	const c: Chunk = {
		kind: 'reconfig',
		params: [
			{ type: 13, reqSeq: 1, respSeq: 2, lastTsn: 3, streams: [4, 5, 6] },
			{ type: 14, reqSeq: 7, streams: [] },
			{ type: 16, respSeq: 8, result: 1 },
			{ type: 16, respSeq: 9, result: 6, senderNextTsn: 10, receiverNextTsn: 11 },
		],
	};
	assert.deepEqual(roundTrip(c), c);
	assert.equal(encodeChunk(c)[0], 130);
});

test('parsePacket: several chunks, and malformed packets return undefined', () => {
	const pkt = serializePacket(1, 2, 3, [encodeChunk({ kind: 'cookie-ack' }), encodeChunk({ kind: 'heartbeat', info: Buffer.from('a') }), encodeChunk({ kind: 'shutdown-ack' })]);
	assert.equal(parsePacket(pkt)!.chunks.length, 3);
	assert.equal(parsePacket(pkt.subarray(0, 12)), undefined, 'no chunk');
	const bad = Buffer.from(pkt);
	bad.writeUInt16BE(2, 14); // chunk length below 4
	assert.equal(parsePacket(bad, false), undefined);
	const long = Buffer.from(pkt);
	long.writeUInt16BE(400, 14); // beyond the packet
	assert.equal(parsePacket(long, false), undefined);
	// A DATA chunk shorter than its header is malformed, not a throw.
	const shortData = serializePacket(1, 2, 3, [Buffer.from([0, 3, 0, 8, 0, 0, 0, 1])]);
	assert.equal(decodeChunk(parsePacket(shortData)!.chunks[0]), undefined);
});

test('RFC 8832 5.1/5.2: DATA_CHANNEL_OPEN and ACK', () => {
	const open = { channelType: ChannelType.PARTIAL_RELIABLE_REXMIT_UNORDERED, priority: 256, reliabilityParameter: 0, label: 'chat ✓', protocol: 'json' };
	const b = buildDcepOpen(open);
	assert.equal(b[0], 0x03);
	assert.equal(b.readUInt16BE(8), Buffer.byteLength('chat ✓'));
	assert.deepEqual(parseDcep(b), { type: 'open', ...open });
	assert.deepEqual(channelParameters(open), { ordered: false, maxRetransmits: 0 });
	assert.deepEqual(parseDcep(buildDcepAck()), { type: 'ack' });
	assert.equal(parseDcep(Buffer.from([0x03, 0x00])), undefined, 'truncated');
	assert.equal(parseDcep(Buffer.from([0x03, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), undefined, 'unknown channel type');
	const b2 = Buffer.from(b);
	b2.writeUInt16BE(200, 8);
	assert.equal(parseDcep(b2), undefined, 'label length past the end');
	for (const p of [{ ordered: true }, { ordered: false }, { ordered: true, maxRetransmits: 3 }, { ordered: false, maxPacketLifeTime: 150 }]) {
		const t = channelTypeOf(p);
		assert.deepEqual(channelParameters({ ...t, priority: 0, label: '', protocol: '' }), p);
	}
});

test('RFC 8831 6.6/8: WebRTC PPIDs, empty messages as one byte with PPID 56/57, deprecated 52/54 accepted', () => {
	assert.deepEqual(toWire('hi'), { ppid: Ppid.STRING, payload: Buffer.from('hi') });
	assert.deepEqual(toWire(''), { ppid: 56, payload: Buffer.alloc(1) });
	assert.deepEqual(toWire(Buffer.alloc(0)), { ppid: 57, payload: Buffer.alloc(1) });
	assert.deepEqual(toWire(Buffer.from([1])), { ppid: 53, payload: Buffer.from([1]) });
	assert.deepEqual(fromWire(56, Buffer.alloc(1)), { isString: true, data: Buffer.alloc(0) });
	assert.deepEqual(fromWire(57, Buffer.alloc(1)), { isString: false, data: Buffer.alloc(0) });
	assert.equal(fromWire(52, Buffer.from('x'))!.isString, false);
	assert.equal(fromWire(54, Buffer.from('x'))!.isString, true);
	assert.equal(fromWire(50, Buffer.from('x')), undefined);
});
