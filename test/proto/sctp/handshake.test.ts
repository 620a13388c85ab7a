/**
 * Duplicate and late handshake chunks (RFC 9260 5.2): retransmitted INITs, INITs for a live
 * association, duplicate COOKIE ECHOs, a lost COOKIE ACK and a peer restart. Packets are moved
 * by hand (or over the simulated link) so every case is deterministic.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
	AssocState,
	ChunkType,
	SctpAssociation,
	decodeChunk,
	encodeChunk,
	parsePacket,
	serializePacket,
	type InitChunk,
	type SctpAssociationOptions,
} from '../../../src/proto/sctp';
import { Link } from './sim';

interface Peer {
	assoc: SctpAssociation;
	got: string[];
	states: string[];
}

function peer(opts: SctpAssociationOptions = {}): Peer {
	const got: string[] = [];
	const states: string[] = [];
	const assoc = new SctpAssociation({
		heartbeatIntervalMs: 0,
		...opts,
		onMessage: (s, _ppid, data) => got.push(`${s}:${data.toString()}`),
		onStateChange: (s) => states.push(s),
	});
	return { assoc, got, states };
}

function chunkTypes(buf: Buffer): number[] {
	return parsePacket(buf)!.chunks.map((c) => c.type);
}

function tagOf(buf: Buffer): number {
	return parsePacket(buf)!.verificationTag;
}

function initOf(buf: Buffer): InitChunk {
	const c = decodeChunk(parsePacket(buf)!.chunks[0]);
	assert.ok(c && (c.kind === 'init' || c.kind === 'init-ack'));
	return c;
}

function cookieOf(buf: Buffer): Buffer {
	const c = decodeChunk(parsePacket(buf)!.chunks[0]);
	assert.ok(c && c.kind === 'cookie-echo');
	return c.cookie;
}

/** Moves every packet one way; returns them. */
function move(from: SctpAssociation, to: SctpAssociation, now: number): Buffer[] {
	const out = from.pollOutgoing();
	for (const p of out) to.handlePacket(p, now);
	return out;
}

/** A raw DATA chunk (RFC 9260 3.3.1), unfragmented. */
function dataChunk(tsn: number, streamId: number, ssn: number, text: string): Buffer {
	const payload = Buffer.from(text);
	const len = 16 + payload.length;
	const b = Buffer.alloc((len + 3) & ~3);
	b[0] = ChunkType.DATA;
	b[1] = 3;
	b.writeUInt16BE(len, 2);
	b.writeUInt32BE(tsn, 4);
	b.writeUInt16BE(streamId, 8);
	b.writeUInt16BE(ssn, 10);
	b.writeUInt32BE(51, 12);
	payload.copy(b, 16);
	return b;
}

/** Sends n messages each way on stream 1 and runs the link until all arrive; checks order and no duplicates. */
function exchange(link: Link, a: Peer, b: Peer, tag: string, n = 5): void {
	const fromA = a.got.length;
	const fromB = b.got.length;
	for (let i = 0; i < n; i++) {
		assert.equal(a.assoc.send(1, 51, Buffer.from(`${tag}-a${i}`), {}, link.now), 'ok');
		assert.equal(b.assoc.send(1, 51, Buffer.from(`${tag}-b${i}`), {}, link.now), 'ok');
	}
	assert.ok(
		link.run(() => a.got.length >= fromA + n && b.got.length >= fromB + n, link.now + 60_000),
		`exchange ${tag}: a got ${a.got.length - fromA}, b got ${b.got.length - fromB}`,
	);
	assert.deepEqual(b.got.slice(fromB), Array.from({ length: n }, (_, i) => `1:${tag}-a${i}`));
	assert.deepEqual(a.got.slice(fromA), Array.from({ length: n }, (_, i) => `1:${tag}-b${i}`));
}

test('RFC 9260 5.2.1: an INIT in COOKIE-WAIT and again in COOKIE-ECHOED is answered with the tag of our own INIT; the collision connects', () => {
	const a = peer();
	const b = peer();
	a.assoc.connect(0);
	b.assoc.connect(0);
	const initA = a.assoc.pollOutgoing()[0];
	const initB = b.assoc.pollOutgoing()[0];
	const tagA = initOf(initA).initiateTag;
	const tagB = initOf(initB).initiateTag;
	// COOKIE-WAIT: answer (twice, for a retransmitted INIT) with the same tag and the peer's tag on the packet.
	for (let i = 0; i < 2; i++) {
		a.assoc.handlePacket(initB, 1);
		const [ack] = a.assoc.pollOutgoing();
		assert.deepEqual(chunkTypes(ack), [ChunkType.INIT_ACK]);
		assert.equal(tagOf(ack), tagB);
		assert.equal(initOf(ack).initiateTag, tagA);
		assert.equal(initOf(ack).initialTsn, initOf(initA).initialTsn);
	}
	assert.equal(a.assoc.associationState, AssocState.COOKIE_WAIT);
	// a gets b's INIT ACK and moves to COOKIE-ECHOED; another INIT from b still gets a's tag.
	b.assoc.handlePacket(initA, 2);
	const [ackB] = b.assoc.pollOutgoing();
	a.assoc.handlePacket(ackB, 3);
	const [echoA] = a.assoc.pollOutgoing();
	assert.deepEqual(chunkTypes(echoA), [ChunkType.COOKIE_ECHO]);
	assert.equal(a.assoc.associationState, AssocState.COOKIE_ECHOED);
	a.assoc.handlePacket(initB, 4);
	const [ack2] = a.assoc.pollOutgoing();
	assert.equal(initOf(ack2).initiateTag, tagA);
	assert.equal(tagOf(ack2), tagB);
	// b (COOKIE-WAIT) takes that INIT ACK, echoes; both ends connect with the same tags.
	b.assoc.handlePacket(ack2, 5);
	const link = new Link(a.assoc, b.assoc);
	link.now = 5;
	a.assoc.handlePacket(ack2, 5); // a duplicate INIT ACK in COOKIE-ECHOED is discarded (5.2.3)
	assert.ok(link.run(() => a.assoc.state === 'connected' && b.assoc.state === 'connected', 60_000));
	assert.deepEqual(a.states, ['connecting', 'connected']);
	assert.deepEqual(b.states, ['connecting', 'connected']);
	exchange(link, a, b, 'x');
});

test('RFC 9260 5.2.1/5.2.3: a retransmitted INIT to a server in CLOSED gets the same stateless answer; the second INIT ACK is discarded', () => {
	const a = peer();
	const b = peer({ role: 'server' });
	a.assoc.connect(0);
	const [init] = a.assoc.pollOutgoing();
	b.assoc.handlePacket(init, 0);
	const [ack1] = b.assoc.pollOutgoing();
	b.assoc.handlePacket(init, 1000); // T1-init fired before the INIT ACK arrived
	const [ack2] = b.assoc.pollOutgoing();
	assert.equal(initOf(ack1).initiateTag, initOf(ack2).initiateTag);
	assert.equal(initOf(ack1).initialTsn, initOf(ack2).initialTsn);
	assert.equal(b.assoc.state, 'new');
	a.assoc.handlePacket(ack1, 1001);
	const [echo] = a.assoc.pollOutgoing();
	a.assoc.handlePacket(ack2, 1001);
	assert.equal(a.assoc.pollOutgoing().length, 0);
	b.assoc.handlePacket(echo, 1002);
	assert.equal(b.assoc.state, 'connected');
	const link = new Link(a.assoc, b.assoc);
	link.now = 1002;
	assert.ok(link.run(() => a.assoc.state === 'connected', 60_000));
	exchange(link, a, b, 'x');
});

test('RFC 9260 5.2.2: a late INIT for a live association gets an INIT ACK with a new tag and Tie-Tags, and changes nothing', () => {
	const a = peer();
	const b = peer({ role: 'server' });
	const link = new Link(a.assoc, b.assoc);
	let init: Buffer | undefined;
	link.opts.filter = (from, buf) => {
		if (from === 'a' && chunkTypes(buf)[0] === ChunkType.INIT) init ??= buf;
		return false;
	};
	a.assoc.connect(0);
	assert.ok(link.run(() => a.assoc.state === 'connected' && b.assoc.state === 'connected', 60_000));
	exchange(link, a, b, 'before');
	const tagA = initOf(init!).initiateTag;
	// The old INIT (a T1 retransmission delayed in the network) reaches the established server.
	b.assoc.handlePacket(init!, link.now);
	const out = b.assoc.pollOutgoing();
	assert.equal(out.length, 1);
	const ackToA = out[0];
	assert.deepEqual(chunkTypes(ackToA), [ChunkType.INIT_ACK]);
	assert.equal(tagOf(ackToA), tagA);
	const ack = initOf(ackToA);
	assert.equal(a.assoc.pollOutgoing().length, 0);
	// The new Initiate Tag is not b's current tag (which is what a puts on its packets).
	a.assoc.send(1, 51, Buffer.from('probe'), {}, link.now);
	const [probe] = a.assoc.pollOutgoing();
	const tagB = tagOf(probe);
	b.assoc.handlePacket(probe, link.now);
	assert.notEqual(ack.initiateTag, tagB);
	assert.equal(b.assoc.associationState, AssocState.ESTABLISHED);
	// a is established and discards the INIT ACK (5.2.3).
	a.assoc.handlePacket(ackToA, link.now);
	assert.equal(a.assoc.associationState, AssocState.ESTABLISHED);
	assert.ok(link.run(() => b.got.includes('1:probe'), link.now + 10_000));
	exchange(link, a, b, 'after');
	assert.deepEqual(a.states, ['connecting', 'connected']);
	assert.deepEqual(b.states, ['connected']);
	assert.equal(a.assoc.stats.duplicateTsnsReceived + b.assoc.stats.duplicateTsnsReceived, 0);
});

test('RFC 9260 5.2.4 case C: a COOKIE ECHO of the 5.2.2 INIT ACK (new local tag, current peer tag) is discarded with the DATA bundled after it', () => {
	const a = peer();
	const b = peer({ role: 'server' });
	const link = new Link(a.assoc, b.assoc);
	let init: Buffer | undefined;
	link.opts.filter = (from, buf) => {
		if (from === 'a' && parsePacket(buf)!.chunks[0].type === ChunkType.INIT) init ??= buf;
		return false;
	};
	a.assoc.connect(0);
	assert.ok(link.run(() => b.assoc.state === 'connected' && a.assoc.state === 'connected', 60_000));
	exchange(link, a, b, 'before');
	b.assoc.handlePacket(init!, link.now);
	const [ack] = b.assoc.pollOutgoing();
	const newTag = initOf(ack).initiateTag;
	// A confused peer echoes it anyway, bundling DATA with a TSN that b would accept.
	const c = encodeChunk({ kind: 'cookie-echo', cookie: initOf(ack).cookie! });
	const bogus = serializePacket(5000, 5000, newTag, [c, dataChunk(0, 1, 0, 'bogus')]);
	const dropped = b.assoc.stats.packetsDropped;
	b.assoc.handlePacket(bogus, link.now);
	assert.equal(b.assoc.stats.packetsDropped, dropped + 1);
	assert.equal(b.assoc.pollOutgoing().length, 0);
	assert.equal(b.assoc.associationState, AssocState.ESTABLISHED);
	assert.equal(b.assoc.stats.dataChunksReceived, 5);
	exchange(link, a, b, 'after');
	assert.ok(!b.got.some((m) => m.includes('bogus')));
});

test('RFC 9260 5.2.4 case D: a lost COOKIE ACK is recovered by the T1-cookie retransmission; the server answers again without resetting anything', () => {
	const a = peer({ rtoInitialMs: 1000 });
	const b = peer({ role: 'server' });
	const link = new Link(a.assoc, b.assoc);
	let cookieAcksDropped = 0;
	const echoes: number[] = [];
	link.opts.filter = (from, buf) => {
		const t = chunkTypes(buf);
		if (from === 'a' && t[0] === ChunkType.COOKIE_ECHO) echoes.push(link.now);
		if (from === 'b' && t[0] === ChunkType.COOKIE_ACK && cookieAcksDropped < 2) {
			cookieAcksDropped++;
			return true;
		}
		return false;
	};
	// b has data queued for a as soon as it is established (it will be, on the first COOKIE ECHO).
	for (let i = 0; i < 3; i++) b.assoc.send(1, 51, Buffer.from(`early-b${i}`), {}, 0);
	a.assoc.connect(0);
	assert.ok(link.run(() => a.assoc.state === 'connected', 60_000));
	assert.equal(cookieAcksDropped, 2);
	assert.equal(echoes.length, 3); // the first and two T1-cookie retransmissions
	assert.ok(echoes[1] - echoes[0] >= 1000 && echoes[2] - echoes[1] >= 2000);
	assert.deepEqual(b.states, ['connected']);
	assert.deepEqual(a.states, ['connecting', 'connected']);
	assert.ok(link.run(() => a.got.length === 3, link.now + 30_000));
	assert.deepEqual(a.got, ['1:early-b0', '1:early-b1', '1:early-b2']);
	exchange(link, a, b, 'x');
	assert.equal(a.assoc.stats.internalErrors + b.assoc.stats.internalErrors, 0);
});

test('RFC 9260 5.2.4 case D: a duplicate COOKIE ECHO long after establishment (past the cookie lifetime) gets a COOKIE ACK, not a Stale Cookie error', () => {
	const a = peer();
	const b = peer({ role: 'server', cookieLifetimeMs: 1000 });
	const link = new Link(a.assoc, b.assoc);
	let echo: Buffer | undefined;
	link.opts.filter = (from, buf) => {
		if (from === 'a' && chunkTypes(buf)[0] === ChunkType.COOKIE_ECHO) echo ??= buf;
		return false;
	};
	a.assoc.connect(0);
	assert.ok(link.run(() => a.assoc.state === 'connected' && b.assoc.state === 'connected', 60_000));
	exchange(link, a, b, 'before');
	link.run(() => false, link.now + 5000);
	b.assoc.handlePacket(echo!, link.now);
	const out = b.assoc.pollOutgoing();
	assert.equal(out.length, 1);
	assert.equal(chunkTypes(out[0])[0], ChunkType.COOKIE_ACK);
	a.assoc.handlePacket(out[0], link.now); // a (established) ignores it
	exchange(link, a, b, 'after');
	assert.deepEqual(b.states, ['connected']);
	assert.equal(b.assoc.stats.duplicateTsnsReceived, 0);
});

test('RFC 9260 5.2.4 case B: in COOKIE-ECHOED a cookie naming another peer tag is taken; after establishment such a cookie is discarded', () => {
	// During the handshake: a (COOKIE-ECHOED towards b's tag) answers c's INIT and takes c's COOKIE ECHO.
	const a = peer();
	const b = peer({ role: 'server' });
	const c = peer();
	a.assoc.connect(0);
	b.assoc.handlePacket(a.assoc.pollOutgoing()[0], 0);
	a.assoc.handlePacket(b.assoc.pollOutgoing()[0], 1);
	a.assoc.pollOutgoing(); // a's COOKIE ECHO to b is lost
	assert.equal(a.assoc.associationState, AssocState.COOKIE_ECHOED);
	c.assoc.connect(2);
	const link = new Link(a.assoc, c.assoc);
	link.now = 2;
	assert.ok(link.run(() => a.assoc.state === 'connected' && c.assoc.state === 'connected', 60_000));
	exchange(link, a, c, 'ac');

	// After establishment: x answered y's INIT while still CLOSED; y's COOKIE ECHO arrives once x
	// is established with z. Same local tag, another peer tag: discarded, x keeps talking to z.
	const x = peer({ role: 'server' });
	const y = peer();
	const z = peer();
	y.assoc.connect(0);
	x.assoc.handlePacket(y.assoc.pollOutgoing()[0], 0);
	y.assoc.handlePacket(x.assoc.pollOutgoing()[0], 0);
	const [echoY] = y.assoc.pollOutgoing();
	const link2 = new Link(z.assoc, x.assoc);
	z.assoc.connect(0);
	assert.ok(link2.run(() => x.assoc.state === 'connected' && z.assoc.state === 'connected', 60_000));
	assert.equal(cookieOf(echoY).length > 0, true);
	const dropped = x.assoc.stats.packetsDropped;
	x.assoc.handlePacket(echoY, link2.now);
	assert.equal(x.assoc.pollOutgoing().length, 0);
	assert.equal(x.assoc.stats.packetsDropped, dropped + 1);
	exchange(link2, z, x, 'zx');
});

test('RFC 9260 5.2.4 case A: a peer restart (new INIT, new tag, echoed Tie-Tags) is not supported: the new peer gets an ABORT and the old association fails instead of hanging', () => {
	const a = peer();
	const b = peer({ role: 'server' });
	const link = new Link(a.assoc, b.assoc);
	a.assoc.connect(0);
	assert.ok(link.run(() => a.assoc.state === 'connected' && b.assoc.state === 'connected', 60_000));
	exchange(link, a, b, 'before');
	// a's process restarts: a new association on the same ports.
	const a2 = peer();
	const t = link.now;
	a2.assoc.connect(t);
	const [init2] = a2.assoc.pollOutgoing();
	b.assoc.handlePacket(init2, t);
	const [ack] = b.assoc.pollOutgoing();
	assert.equal(tagOf(ack), initOf(init2).initiateTag);
	assert.equal(b.assoc.state, 'connected');
	a2.assoc.handlePacket(ack, t);
	const [echo] = a2.assoc.pollOutgoing();
	b.assoc.handlePacket(echo, t);
	const out = b.assoc.pollOutgoing();
	assert.equal(out.length, 1);
	assert.deepEqual(chunkTypes(out[0]), [ChunkType.ABORT]);
	assert.equal(tagOf(out[0]), initOf(init2).initiateTag);
	assert.equal(b.assoc.state, 'failed');
	assert.equal(b.assoc.nextTimeoutMs(), undefined);
	a2.assoc.handlePacket(out[0], t);
	assert.equal(a2.assoc.state, 'closed');
});

test('RFC 9260 9.2: an INIT in SHUTDOWN-ACK-SENT is discarded and the SHUTDOWN ACK repeated', () => {
	const a = peer();
	const b = peer({ role: 'server' });
	const link = new Link(a.assoc, b.assoc);
	let init: Buffer | undefined;
	link.opts.filter = (from, buf) => {
		if (from === 'a' && chunkTypes(buf)[0] === ChunkType.INIT) init ??= buf;
		return false;
	};
	a.assoc.connect(0);
	assert.ok(link.run(() => a.assoc.state === 'connected' && b.assoc.state === 'connected', 60_000));
	a.assoc.shutdown(link.now);
	move(a.assoc, b.assoc, link.now); // SHUTDOWN
	const [shutdownAck] = b.assoc.pollOutgoing();
	assert.deepEqual(chunkTypes(shutdownAck), [ChunkType.SHUTDOWN_ACK]);
	assert.equal(b.assoc.associationState, AssocState.SHUTDOWN_ACK_SENT);
	b.assoc.handlePacket(init!, link.now);
	const out = b.assoc.pollOutgoing();
	assert.equal(out.length, 1);
	assert.deepEqual(chunkTypes(out[0]), [ChunkType.SHUTDOWN_ACK]);
	a.assoc.handlePacket(out[0], link.now);
	assert.ok(link.run(() => a.assoc.state === 'closed' && b.assoc.state === 'closed', link.now + 60_000));
});

test('RFC 9260 5.2: handshakes with duplicated, late (up to 3 s) and lost packets always connect and deliver everything once, in order (40 seeds)', () => {
	for (let seed = 1; seed <= 40; seed++) {
		const simultaneous = seed % 3 === 0;
		const a = peer({ rtoInitialMs: 500 });
		const b = peer({ role: simultaneous ? 'client' : 'server', rtoInitialMs: 500 });
		const link = new Link(a.assoc, b.assoc, { seed, loss: 0.1, duplicate: 0.5, delayMs: 5, jitterMs: 3000 });
		for (let i = 0; i < 3; i++) {
			a.assoc.send(1, 51, Buffer.from(`early-a${i}`), {}, 0);
			b.assoc.send(1, 51, Buffer.from(`early-b${i}`), {}, 0);
		}
		a.assoc.connect(0);
		b.assoc.connect(0);
		assert.ok(link.run(() => a.got.length === 3 && b.got.length === 3, 300_000), `seed ${seed}: a got ${a.got.length}, b got ${b.got.length}, states ${a.assoc.state}/${b.assoc.state}`);
		assert.deepEqual(a.got, ['1:early-b0', '1:early-b1', '1:early-b2'], `seed ${seed}`);
		assert.deepEqual(b.got, ['1:early-a0', '1:early-a1', '1:early-a2'], `seed ${seed}`);
		exchange(link, a, b, `s${seed}`, 3);
		assert.deepEqual(a.states, ['connecting', 'connected'], `seed ${seed}`);
		assert.equal(a.assoc.stats.internalErrors + b.assoc.stats.internalErrors, 0);
	}
});
