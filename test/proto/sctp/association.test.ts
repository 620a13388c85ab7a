import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { AssocState, ChunkType, SctpAssociation, parsePacket, type SctpAssociationOptions } from '../../../src/proto/sctp';
import { Link, prng } from './sim';

interface Received {
	streamId: number;
	ppid: number;
	data: Buffer;
}

function pair(aOpts: SctpAssociationOptions = {}, bOpts: SctpAssociationOptions = {}) {
	const ra: Received[] = [];
	const rb: Received[] = [];
	const a = new SctpAssociation({ ...aOpts, onMessage: (streamId, ppid, data) => ra.push({ streamId, ppid, data }) });
	const b = new SctpAssociation({ role: 'server', ...bOpts, onMessage: (streamId, ppid, data) => rb.push({ streamId, ppid, data }) });
	return { a, b, ra, rb };
}

function connect(link: Link): void {
	link.a.connect(link.now);
	link.b.connect(link.now);
	assert.ok(link.run(() => link.a.state === 'connected' && link.b.state === 'connected', link.now + 60_000), 'connects');
}

function payload(i: number, size: number): Buffer {
	const b = Buffer.alloc(size);
	for (let j = 0; j < size; j++) b[j] = (i * 31 + j * 7) & 0xff;
	if (size >= 4) b.writeUInt32BE(i, 0);
	return b;
}

test('RFC 9260 5.1: four-way handshake, client and server roles; state changes and chunk order', () => {
	const states: string[] = [];
	const { a, b } = pair({ onStateChange: (s) => states.push(s) });
	a.onStateChange = (s) => states.push(s);
	const seen: number[] = [];
	const link = new Link(a, b, { filter: (_f, buf) => (seen.push(parsePacket(buf)!.chunks[0].type), false) });
	assert.equal(a.state, 'new');
	connect(link);
	assert.deepEqual(states, ['connecting', 'connected']);
	assert.deepEqual(seen.slice(0, 4), [ChunkType.INIT, ChunkType.INIT_ACK, ChunkType.COOKIE_ECHO, ChunkType.COOKIE_ACK]);
	assert.equal(a.partialReliability, true);
	assert.equal(a.outboundStreams, 1024);
});

test('RFC 9260 5.2.4: simultaneous open (both send INIT) connects, streams = min(OS, peer MIS)', () => {
	const { a, b } = pair({ os: 10, mis: 20 }, { role: 'client', os: 300, mis: 5 });
	const link = new Link(a, b);
	connect(link);
	assert.equal(a.outboundStreams, 5);
	assert.equal(a.inboundStreams, 20);
	assert.equal(b.outboundStreams, 20);
	assert.equal(b.inboundStreams, 5);
	assert.equal(a.send(5, 51, Buffer.from('x')), 'invalid-stream');
});

test('RFC 9260 5.2.4 collision under loss: many seeds of simultaneous open with 30% loss all connect', () => {
	for (let seed = 1; seed <= 30; seed++) {
		const { a, b } = pair({ heartbeatIntervalMs: 0 }, { role: 'client', heartbeatIntervalMs: 0 });
		const link = new Link(a, b, { seed, loss: 0.3, jitterMs: 20 });
		connect(link);
	}
});

test('RFC 9260 5.1 (T1-init): INIT is retransmitted with backoff and the association fails after Max.Init.Retransmits', () => {
	const { a, b } = pair({ maxInitRetransmits: 3, rtoInitialMs: 1000 });
	const sentAt: number[] = [];
	const link = new Link(a, b, { filter: (from) => (from === 'a' && sentAt.push(link.now), true) });
	a.connect(0);
	link.run(() => a.state === 'failed', 100_000);
	assert.equal(a.state, 'failed');
	// RTO.Initial, then doubled each time (RFC 9260 6.3.3 E2 applies to T1 too).
	assert.deepEqual(sentAt, [0, 1000, 3000, 7000]);
});

test('RFC 9260 5.1.3/5.2.4: a tampered or stale cookie is not accepted (stale gets an ERROR)', () => {
	const { a, b } = pair({}, { cookieLifetimeMs: 100 });
	a.connect(0);
	const init = a.pollOutgoing()[0];
	b.handlePacket(init, 0);
	const initAck = b.pollOutgoing()[0];
	a.handlePacket(initAck, 0);
	const echo = a.pollOutgoing()[0];
	const tampered = Buffer.from(echo);
	tampered[30] ^= 0xff;
	const { finalizePacket } = require('../../../src/proto/sctp') as typeof import('../../../src/proto/sctp');
	finalizePacket(tampered);
	b.handlePacket(tampered, 1);
	assert.equal(b.pollOutgoing().length, 0);
	assert.equal(b.state, 'new');
	b.handlePacket(echo, 500);
	const err = b.pollOutgoing();
	assert.equal(err.length, 1);
	assert.equal(parsePacket(err[0])!.chunks[0].type, ChunkType.ERROR);
	assert.equal(b.state, 'new');
	b.handlePacket(echo, 50);
	assert.equal(b.state, 'connected');
});

test('bad checksum, wrong ports and wrong verification tag are counted and dropped', () => {
	const { a, b } = pair();
	const link = new Link(a, b);
	connect(link);
	a.send(0, 51, Buffer.from('x'));
	const pkt = a.pollOutgoing()[0];
	const bad = Buffer.from(pkt);
	bad[8] ^= 1;
	b.handlePacket(bad, link.now);
	assert.equal(b.stats.badChecksum, 1);
	const { finalizePacket } = require('../../../src/proto/sctp') as typeof import('../../../src/proto/sctp');
	const wrongTag = Buffer.from(pkt);
	wrongTag.writeUInt32BE(12345, 4);
	finalizePacket(wrongTag);
	const dropped = b.stats.packetsDropped;
	b.handlePacket(wrongTag, link.now);
	assert.equal(b.stats.packetsDropped, dropped + 1);
	b.handlePacket(Buffer.from('garbage'), link.now);
	assert.equal(b.stats.messagesReceived, 0);
	b.handlePacket(pkt, link.now);
	assert.equal(b.stats.messagesReceived, 1);
});

test('ordered streams deliver everything in order under 5% loss, duplication and reordering (text and binary up to 64 KiB)', () => {
	const { a, b, rb } = pair({ heartbeatIntervalMs: 0, sendBufferSize: 8 << 20 }, { heartbeatIntervalMs: 0 });
	const link = new Link(a, b, { seed: 42, loss: 0.05, duplicate: 0.05, jitterMs: 15 });
	connect(link);
	const rnd = prng(1);
	const sent: Buffer[][] = [[], [], []];
	for (let i = 0; i < 250; i++) {
		const s = i % 3;
		const size = 4 + Math.floor(rnd() * rnd() * 65536);
		const p = payload(i, Math.min(size, 65536));
		sent[s].push(p);
		assert.equal(a.send(s + 1, i % 2 ? 53 : 51, p, {}, link.now), 'ok');
	}
	assert.ok(link.run(() => rb.length === 250, link.now + 600_000), `delivered ${rb.length}`);
	for (let s = 0; s < 3; s++) {
		const got = rb.filter((r) => r.streamId === s + 1).map((r) => r.data);
		assert.equal(got.length, sent[s].length);
		for (let i = 0; i < got.length; i++) assert.ok(got[i].equals(sent[s][i]), `stream ${s + 1} message ${i}`);
	}
	assert.ok(a.stats.retransmissions > 0);
	assert.ok(b.stats.duplicateTsnsReceived > 0);
	assert.ok(link.run(() => a.bufferedAmount === 0));
});

test('256 KiB messages are fragmented and reassembled byte-exact, both directions, ordered and unordered', () => {
	const { a, b, ra, rb } = pair({ sendBufferSize: 1 << 20 }, { sendBufferSize: 1 << 20 });
	const link = new Link(a, b, { seed: 7, loss: 0.02, jitterMs: 5 });
	connect(link);
	const m1 = payload(1, 256 * 1024);
	const m2 = payload(2, 256 * 1024);
	const m3 = payload(3, 256 * 1024 - 1);
	assert.equal(a.send(1, 53, m1, {}, link.now), 'ok');
	assert.equal(a.send(2, 53, m2, { ordered: false }, link.now), 'ok');
	assert.equal(b.send(3, 51, m3, {}, link.now), 'ok');
	assert.equal(a.send(1, 53, Buffer.alloc(256 * 1024 + 1), {}, link.now), 'too-large');
	assert.ok(link.run(() => rb.length === 2 && ra.length === 1));
	assert.ok(rb.find((r) => r.streamId === 1)!.data.equals(m1));
	assert.ok(rb.find((r) => r.streamId === 2)!.data.equals(m2));
	assert.ok(ra[0].data.equals(m3));
	assert.equal(ra[0].ppid, 51);
});

test('RFC 3758: maxRetransmits 0 and maxPacketLifeTime streams drop lost messages instead of stalling; FORWARD-TSN keeps the ordered stream moving', () => {
	for (const opts of [{ maxRetransmits: 0, ordered: false }, { maxRetransmits: 0, ordered: true }, { maxPacketLifeTime: 100, ordered: true }]) {
		const { a, b, rb } = pair({ heartbeatIntervalMs: 0, sendBufferSize: 1 << 20 }, { heartbeatIntervalMs: 0 });
		const link = new Link(a, b, { seed: 3, loss: 0.05, jitterMs: 10 });
		connect(link);
		const start = link.now;
		for (let i = 0; i < 400; i++) a.send(7, 53, payload(i, 500), opts, link.now);
		// Meanwhile a reliable ordered stream must still deliver everything.
		for (let i = 0; i < 50; i++) a.send(8, 53, payload(i, 300), {}, link.now);
		assert.ok(link.run(() => a.bufferedAmount === 0 && rb.filter((r) => r.streamId === 8).length === 50, link.now + 120_000), JSON.stringify(opts));
		const lossy = rb.filter((r) => r.streamId === 7).map((r) => r.data.readUInt32BE(0));
		if (opts.maxRetransmits === 0) assert.ok(lossy.length < 400 && lossy.length > 300, `${JSON.stringify(opts)}: ${lossy.length}`);
		else assert.ok(lossy.length > 0 && lossy.length <= 400, `${JSON.stringify(opts)}: ${lossy.length}`);
		if (opts.ordered) for (let i = 1; i < lossy.length; i++) assert.ok(lossy[i] > lossy[i - 1], 'ordered without duplicates');
		assert.equal(new Set(lossy).size, lossy.length, 'no duplicates');
		assert.ok(a.stats.abandonedMessages > 0);
		if (opts.maxRetransmits === 0) assert.ok(a.stats.forwardTsnSent > 0 && b.stats.forwardTsnReceived > 0);
		assert.ok(link.now - start < 30_000, `finished in ${link.now - start} ms`);
	}
});

test('maxPacketLifeTime: messages that cannot leave in time are abandoned before getting a TSN', () => {
	const { a, b, rb } = pair({ heartbeatIntervalMs: 0, sendBufferSize: 1 << 20 }, { heartbeatIntervalMs: 0 });
	const link = new Link(a, b, { delayMs: 50 });
	connect(link);
	for (let i = 0; i < 200; i++) a.send(1, 53, payload(i, 1000), { maxPacketLifeTime: 1 }, link.now);
	assert.ok(link.run(() => a.bufferedAmount === 0));
	assert.ok(rb.length > 0 && rb.length < 200, `${rb.length}`);
	assert.ok(a.stats.abandonedMessages >= 200 - rb.length);
});

test('RFC 6525: resetStreams resets SSNs on both sides; peer sees an incoming reset; data before the reset is delivered first', () => {
	const resets: string[] = [];
	const { a, b, rb } = pair({ onStreamReset: (ids, dir) => resets.push(`a:${dir}:${ids}`) }, { onStreamReset: (ids, dir) => resets.push(`b:${dir}:${ids}`) });
	a.onStreamReset = (ids, dir) => resets.push(`a:${dir}:${ids}`);
	b.onStreamReset = (ids, dir) => resets.push(`b:${dir}:${ids}`);
	const link = new Link(a, b, { seed: 11, loss: 0.1, jitterMs: 10 });
	connect(link);
	for (let i = 0; i < 20; i++) a.send(3, 51, payload(i, 100), {}, link.now);
	assert.equal(a.resetStreams([3]), true);
	assert.ok(link.run(() => resets.length === 2));
	assert.deepEqual(resets.sort(), ['a:outgoing:3', 'b:incoming:3']);
	assert.equal(rb.length, 20);
	// The stream is usable again from SSN 0 (a new channel on the same id).
	for (let i = 0; i < 5; i++) a.send(3, 51, payload(100 + i, 100), {}, link.now);
	assert.ok(link.run(() => rb.length === 25));
	assert.deepEqual(rb.slice(20).map((r) => r.data.readUInt32BE(0)), [100, 101, 102, 103, 104]);
});

test('RFC 6525 5.2.2: a reset request ahead of missing data is deferred (In progress) and performed later', () => {
	const resets: string[] = [];
	const { a, b, rb } = pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
	b.onStreamReset = (ids, dir) => resets.push(`${dir}:${ids}`);
	let dropOnce = true;
	const link = new Link(a, b, {
		filter: (from, buf) => {
			const p = parsePacket(buf)!;
			if (from === 'a' && dropOnce && p.chunks.some((c) => c.type === ChunkType.DATA)) {
				dropOnce = false;
				return true;
			}
			return false;
		},
	});
	connect(link);
	a.send(2, 51, Buffer.from('first'), {}, link.now);
	a.resetStreams([2]);
	assert.ok(link.run(() => resets.length === 1));
	assert.equal(rb.length, 1);
	assert.deepEqual(resets, ['incoming:2']);
});

test('send buffer: buffered amount, buffer-full and bufferedAmountLow', () => {
	const lows: number[] = [];
	const { a, b } = pair({ sendBufferSize: 10_000, onBufferedAmountLow: (id, amount) => lows.push(id * 1e6 + amount) });
	a.onBufferedAmountLow = (id, amount) => lows.push(id * 1e6 + amount);
	const link = new Link(a, b);
	connect(link);
	a.setBufferedAmountLowThreshold(1, 1000);
	assert.equal(a.send(1, 53, Buffer.alloc(6000), {}, link.now), 'ok');
	assert.equal(a.send(2, 53, Buffer.alloc(3000), {}, link.now), 'ok');
	assert.equal(a.bufferedAmount, 9000);
	assert.equal(a.streamBufferedAmount(1), 6000);
	assert.equal(a.send(1, 53, Buffer.alloc(1001), {}, link.now), 'buffer-full');
	assert.equal(a.stats.sendBufferFull, 1);
	assert.equal(a.send(1, 53, Buffer.alloc(0), {}, link.now), 'empty');
	assert.ok(link.run(() => a.bufferedAmount === 0));
	// One event per crossing: stream 1 at or below its 1000-byte threshold, stream 2 at 0.
	const s1 = lows.filter((x) => x < 2e6);
	assert.equal(s1.length, 1);
	assert.ok(s1[0] - 1e6 <= 1000);
	assert.deepEqual(lows.filter((x) => x >= 2e6), [2e6]);
});

test('receive window: a slow reader is not overrun; the sender waits on a_rwnd', () => {
	const { a, b, rb } = pair({ sendBufferSize: 1 << 20 }, { receiveBufferSize: 4000 });
	const link = new Link(a, b, { seed: 2, loss: 0.05 });
	connect(link);
	for (let i = 0; i < 100; i++) a.send(1, 53, payload(i, 3000), { ordered: i % 2 === 0 }, link.now);
	assert.ok(link.run(() => rb.length === 100));
	assert.ok(a.congestion.peerRwnd <= 4000);
});

test('RFC 9260 7.2: slow start grows cwnd; T3-rtx timeout resets it to one MTU and doubles RTO; fast retransmit halves it', () => {
	const { a, b, rb } = pair({ sendBufferSize: 4 << 20, heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
	let blackhole = false;
	const link = new Link(a, b, { delayMs: 20, filter: (from) => blackhole && from === 'a' });
	connect(link);
	const cwnd0 = a.congestion.cwnd;
	assert.equal(cwnd0, 4380, 'min(4*MTU, max(2*MTU, 4380)) with MTU 1200');
	for (let i = 0; i < 300; i++) a.send(1, 53, payload(i, 1000), {}, link.now);
	assert.ok(link.run(() => rb.length === 300));
	assert.ok(a.congestion.cwnd > cwnd0 * 2, `cwnd ${a.congestion.cwnd}`);
	assert.ok(a.congestion.srtt >= 40 && a.congestion.srtt < 60, `srtt ${a.congestion.srtt}`);
	const rto = a.congestion.rto;
	blackhole = true;
	a.send(1, 53, payload(1, 1000), {}, link.now);
	const t3 = a.stats.t3Expirations;
	link.run(() => a.stats.t3Expirations === t3 + 1);
	assert.equal(a.congestion.cwnd, 1200);
	assert.equal(a.congestion.rto, Math.min(rto * 2, 60000));
	blackhole = false;
	assert.ok(link.run(() => rb.length === 301));
	// Fast retransmit: drop exactly one DATA packet in a burst.
	let dropped = false;
	const link2 = new Link(a, b, {
		delayMs: 20,
		filter: (from, buf) => {
			if (from === 'a' && !dropped && parsePacket(buf)!.chunks[0].type === ChunkType.DATA && link2.now > 0) {
				dropped = true;
				return true;
			}
			return false;
		},
	});
	link2.now = link.now;
	const fr = a.stats.fastRetransmits;
	for (let i = 0; i < 50; i++) a.send(1, 53, payload(i, 1000), {}, link2.now);
	assert.ok(link2.run(() => rb.length === 351));
	assert.equal(a.stats.fastRetransmits, fr + 1);
});

test('association fails after Association.Max.Retrans consecutive T3 timeouts', () => {
	const { a, b } = pair({ maxAssociationRetransmits: 3, heartbeatIntervalMs: 0 });
	let cut = false;
	const link = new Link(a, b, { filter: () => cut });
	connect(link);
	cut = true;
	a.send(0, 51, Buffer.from('lost'), {}, link.now);
	assert.ok(link.run(() => a.state === 'failed', link.now + 600_000));
});

test('RFC 9260 8.3: heartbeats are answered and keep an idle association alive; unanswered ones fail it', () => {
	const { a, b } = pair({ heartbeatIntervalMs: 1000, maxAssociationRetransmits: 2 }, { heartbeatIntervalMs: 0 });
	let cut = false;
	let hb = 0;
	const link = new Link(a, b, {
		filter: (from, buf) => {
			if (from === 'a' && parsePacket(buf)!.chunks.some((c) => c.type === ChunkType.HEARTBEAT)) hb++;
			return cut;
		},
	});
	connect(link);
	link.run(() => false, link.now + 10_000);
	assert.ok(hb >= 4, `heartbeats ${hb}`);
	assert.equal(a.state, 'connected');
	cut = true;
	assert.ok(link.run(() => a.state === 'failed', link.now + 60_000));
});

test('RFC 9260 9.2: graceful SHUTDOWN after pending data is acknowledged; ABORT closes the peer', () => {
	const { a, b, rb } = pair();
	const link = new Link(a, b, { seed: 4, loss: 0.1 });
	connect(link);
	for (let i = 0; i < 10; i++) a.send(1, 53, payload(i, 2000), {}, link.now);
	a.shutdown(link.now);
	assert.equal(a.send(1, 53, Buffer.from('late')), 'closed');
	assert.ok(link.run(() => a.state === 'closed' && b.state === 'closed'));
	assert.equal(rb.length, 10);

	const p = pair();
	const link2 = new Link(p.a, p.b);
	connect(link2);
	p.b.abort(link2.now, 'bye');
	assert.ok(link2.run(() => p.a.state === 'closed'));
	assert.equal(p.a.associationState, AssocState.CLOSED);
	assert.equal(p.a.nextTimeoutMs(), undefined);
});

test('timers: nextTimeoutMs is undefined when idle without heartbeats, and handleTimeout before a deadline does nothing', () => {
	const { a, b } = pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
	assert.equal(a.nextTimeoutMs(), undefined);
	const link = new Link(a, b);
	connect(link);
	link.run(() => a.nextTimeoutMs() === undefined && b.nextTimeoutMs() === undefined);
	assert.equal(a.nextTimeoutMs(), undefined);
	a.send(0, 51, Buffer.from('x'), {}, link.now);
	a.pollOutgoing();
	const t = a.nextTimeoutMs()!;
	assert.ok(t > link.now);
	a.handleTimeout(t - 1);
	assert.equal(a.stats.t3Expirations, 0);
	a.handleTimeout(t);
	assert.equal(a.stats.t3Expirations, 1);
});
