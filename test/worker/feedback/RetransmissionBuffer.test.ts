import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenericNack } from '../../../src/proto/rtcp/nack';
import { RetransmissionBuffer, SharedPacketStore, sharedPacketStore } from '../../../src/worker/feedback/RetransmissionBuffer';

function pkt(seq: number, size = 100): Buffer {
	const b = Buffer.alloc(size, seq & 0xff);
	b.writeUInt16BE(seq & 0xffff, 2);
	return b;
}

function seqsOf(buf: RetransmissionBuffer): number[] {
	return buf.resend.map((i) => i.buffer.readUInt16BE(2));
}

test('stores copies and answers a NACK with the packets, oldest first', () => {
	const buf = new RetransmissionBuffer();
	for (let s = 1; s <= 10; s++) {
		const p = pkt(s);
		assert.equal(buf.store(s, p, p.length, s), true);
		p.fill(0); // the engine reuses its buffer: the stored copy must not change
	}
	assert.equal(buf.onNackSequenceNumbers([3, 4, 42], 20, 100), 2);
	assert.deepEqual(seqsOf(buf), [3, 4]);
	assert.equal(buf.resend[0].length, 100);
	assert.equal(buf.resend[0].buffer[50], 3);
	assert.equal(buf.resend[0].sentTimes, 1);
	assert.deepEqual(buf.missing, [42]);
	assert.deepEqual(buf.throttled, []);
});

test('GenericNack PID + BLP expansion (RFC 4585 6.2.1)', () => {
	const buf = new RetransmissionBuffer();
	for (let s = 100; s < 130; s++) buf.store(s, pkt(s), 100, 0);
	// pid 100, blp bits 0 and 15: 101 and 116.
	const nack = new GenericNack({ mediaSsrc: 1, entries: [{ pid: 100, blp: 0x8001 }, { pid: 128, blp: 0x0003 }] });
	buf.onNack(nack, 10, 100);
	assert.deepEqual(seqsOf(buf), [100, 101, 116, 128, 129]);
	assert.deepEqual(buf.missing, [130], '128 + 2 was never sent');
});

test('rate limit: not the same packet twice within one RTT', () => {
	const buf = new RetransmissionBuffer();
	for (let s = 0; s < 5; s++) buf.store(s, pkt(s), 100, 0);
	buf.onNackSequenceNumbers([2], 100, 80);
	assert.deepEqual(seqsOf(buf), [2]);
	buf.onNackSequenceNumbers([2, 3], 150, 80);
	assert.deepEqual(seqsOf(buf), [3]);
	assert.deepEqual(buf.throttled, [2]);
	buf.onNackSequenceNumbers([2], 181, 80);
	assert.deepEqual(seqsOf(buf), [2], 'more than one RTT later it goes again');
	assert.equal(buf.resend[0].sentTimes, 2);
	buf.onNackSequenceNumbers([4, 4], 200, 80);
	assert.deepEqual(seqsOf(buf), [4], 'listed twice, sent once');
	buf.onNackSequenceNumbers([4], 250, 0);
	assert.deepEqual(buf.throttled, [4], 'unknown RTT: 100 ms');
});

test('eviction by age (maxAgeMs) returns buffers to the pool', () => {
	const buf = new RetransmissionBuffer({ maxAgeMs: 1000 });
	for (let s = 0; s < 50; s++) buf.store(s, pkt(s), 100, s * 40); // 0 .. 1960 ms
	buf.onNackSequenceNumbers([10, 30], 2000, 100);
	assert.deepEqual(buf.missing, [10], 'stored at 400 ms: too old at 2000');
	assert.deepEqual(seqsOf(buf), [30]);
	assert.ok(buf.size <= 26, `size ${buf.size}`);
	assert.equal(buf.get(30, 3500), undefined, 'everything expired');
	assert.equal(buf.size, 0);
});

test('eviction by count, and across the 16-bit wrap', () => {
	const buf = new RetransmissionBuffer({ maxPackets: 16 });
	assert.equal(buf.capacity, 16);
	for (let i = 0; i < 40; i++) buf.store((65520 + i) & 0xffff, pkt(65520 + i), 100, 0);
	assert.equal(buf.size, 16);
	buf.onNackSequenceNumbers([65535, 7, 8, 23], 1, 100);
	assert.deepEqual(seqsOf(buf), [8, 23]);
	assert.deepEqual(buf.missing, [65535, 7]);
	assert.equal(buf.store(65530, pkt(1), 100, 1), false, 'older than the window');
});

test('out-of-order stores, oversize packets, clear', () => {
	const buf = new RetransmissionBuffer({ maxPacketSize: 200 });
	buf.store(10, pkt(10), 100, 0);
	buf.store(12, pkt(12), 100, 0);
	buf.store(11, pkt(11), 100, 0);
	buf.store(9, pkt(9), 100, 0);
	assert.equal(buf.store(13, pkt(13, 300), 300, 0), false);
	assert.equal(buf.packetsTooBig, 1);
	buf.onNackSequenceNumbers([9, 10, 11, 12, 13], 1, 100);
	assert.deepEqual(seqsOf(buf), [9, 10, 11, 12]);
	assert.deepEqual(buf.missing, [13]);
	buf.clear();
	assert.equal(buf.size, 0);
	buf.onNackSequenceNumbers([10], 2, 100);
	assert.deepEqual(buf.missing, [10]);
	buf.store(500, pkt(500), 100, 3);
	assert.equal(buf.get(500, 3)!.length, 100, 'restarts after clear');
});

test('steady state allocates nothing: evicted items are reused in their slots, also with bursty traffic', () => {
	for (const burst of [1, 40]) {
		const buf = new RetransmissionBuffer({ maxAgeMs: 1000 });
		const p = pkt(0, 1200);
		// 100 pps (in bursts of `burst` packets every burst x 10 ms): 2 s of warm-up, then 10 s.
		const storeAt = (i: number): void => {
			buf.store(i & 0xffff, p, 1200, Math.floor(i / burst) * burst * 10);
		};
		for (let i = 0; i < 200; i++) storeAt(i);

		const seen = new Set<unknown>();
		for (let s = 0; s < 200; s++) {
			const it = buf.get(s, 1990);
			if (it) seen.add(it.buffer);
		}
		const warm = new Set<unknown>();
		for (let i = 200; i < 400; i++) {
			storeAt(i);
			warm.add(buf.get(i, Math.floor(i / burst) * burst * 10)!.buffer);
		}
		for (let i = 400; i < 1400; i++) {
			storeAt(i);
			const item = buf.get(i & 0xffff, Math.floor(i / burst) * burst * 10)!;
			assert.ok(warm.has(item.buffer), `burst ${burst}: packet ${i} got a buffer allocated after warm-up`);
		}
		// The window is ~100 packets (+ one burst): the table it needs is 128 or 256 slots.
		assert.ok(warm.size <= 256, `burst ${burst}: distinct buffers ${warm.size}`);
		assert.ok(buf.size <= 100 + burst, `burst ${burst}: ${buf.size} items held`);
	}
});

test('minAgeMs: packets kept for 4 RTTs within [minAgeMs, maxAgeMs]; the slot table grows as needed', () => {
	const buf = new RetransmissionBuffer({ maxAgeMs: 2000, minAgeMs: 500, maxPackets: 2500 });
	assert.equal(buf.ageLimitMs, 500, 'no RTT yet: minAgeMs');
	for (let s = 0; s < 300; s++) buf.store(s, pkt(s), 100, s * 5); // 0 .. 1495 ms
	assert.equal(buf.get(299, 1495)!.seq, 299, 'the table grew past its first 64 slots');
	buf.onNackSequenceNumbers([190, 200, 299], 1500, 0);
	assert.deepEqual(buf.missing, [190], 'stored at 950 ms: older than 500 ms at 1500');
	assert.deepEqual(seqsOf(buf), [200, 299]);
	buf.setRtt(300);
	assert.equal(buf.ageLimitMs, 1200, '4 x RTT');
	buf.setRtt(1000);
	assert.equal(buf.ageLimitMs, 2000, 'capped at maxAgeMs');
	for (let s = 300; s < 700; s++) buf.store(s, pkt(s), 100, s * 5); // .. 3495 ms
	buf.onNackSequenceNumbers([300, 310], 3501, 1000);
	assert.deepEqual(buf.missing, [300], 'stored at 1500 ms: over 2000 ms old');
	assert.deepEqual(seqsOf(buf), [310]);
});

test('NACKs that come later than the RTT known keep packets longer (a queue on the receiver link)', () => {
	// 100 packets per second; the RTT known is the 2 ms of an empty loopback path, but the
	// receiver's link has just filled a 250 ms queue: packets 100-109 (1000-1090 ms) are lost
	// there and their NACK comes at 1350 ms, its retries every ~300 ms.
	const buf = new RetransmissionBuffer({ maxAgeMs: 2000, minAgeMs: 500 });
	let t = 0;
	let seq = 0;
	const sendUntil = (ms: number) => {
		for (; t < ms; t += 10) buf.store(seq, pkt(seq++), 100, t);
	};
	const lost = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109];
	sendUntil(1350);
	buf.onNackSequenceNumbers(lost, 1350, 2);
	assert.deepEqual(buf.missing, []);
	// The youngest packet asked for was 260 ms old: kept 4 x 260 ms from now on.
	assert.equal(buf.ageLimitMs, 1040);
	sendUntil(1650);
	buf.onNackSequenceNumbers(lost, 1650, 2);
	assert.deepEqual(buf.missing, [], 'the first retry, 560-650 ms after sending (kept 500 ms before)');
	assert.equal(buf.resend.length, 10);
	sendUntil(1950);
	buf.onNackSequenceNumbers(lost, 1950, 2);
	assert.deepEqual(buf.missing, [], 'the second one, 860-950 ms after sending');
	assert.equal(buf.ageLimitMs, 2000, 'retries ask for ever older packets: up to maxAgeMs');
	// Once NACKs are for fresh losses again, the window shrinks back.
	sendUntil(2500);
	buf.onNackSequenceNumbers([seq - 2], 2500, 2);
	assert.equal(buf.ageLimitMs, 500);
});

test('storeShared: consumers of one packet share one copy, keep their own seq and timestamp; gone after 2 s', () => {
	const a = new RetransmissionBuffer({ maxAgeMs: 2000, minAgeMs: 2000 });
	const b = new RetransmissionBuffer({ maxAgeMs: 2000, minAgeMs: 2000 });
	const t0 = 1e9;
	const before = sharedPacketStore.size;
	for (let s = 0; s < 10; s++) {
		const p = pkt(s, 300);
		a.storeShared(1000 + s, 5000 + s, p, 300, t0 + s);
		b.storeShared(7000 + s, 9000 + s, p, 300, t0 + s);
	}
	assert.equal(sharedPacketStore.size - before, 10, 'one copy per packet');
	const ia = a.get(1003, t0 + 10)!;
	const ib = b.get(7003, t0 + 10)!;
	assert.equal(ia.shared, ib.shared);
	assert.equal(ia.timestamp, 5003);
	assert.equal(ib.timestamp, 9003);
	assert.ok(RetransmissionBuffer.sharedValid(ia));
	assert.equal(ia.shared!.buffer.readUInt16BE(2), 3, 'the packet as it arrived');
	// 2 s later the store reuses the buffers: references held longer see another generation.
	const held = a.get(1003, t0 + 10)!;
	for (let s = 0; s < 10; s++) sharedPacketStore.retain(pkt(100 + s, 300), 300, t0 + 2100 + s);
	assert.equal(RetransmissionBuffer.sharedValid(held), false);
});

test('slots are reused after eviction across table growth (copies keep their slot buffers)', () => {
	const buf = new RetransmissionBuffer({ maxAgeMs: 1000, maxPackets: 2500 });
	// 50 packets at 0 ms fit the first 64 slots; they expire, then 300 packets within the age
	// limit take those slots and make the table grow (64 -> 512 slots).
	for (let s = 0; s < 50; s++) buf.store(s, pkt(s), 100, 0);
	const first = buf.get(10, 0)!.buffer;
	for (let s = 50; s < 350; s++) buf.store(s, pkt(s), 100, 2000 + s);
	assert.equal(buf.size, 300);
	assert.equal(buf.get(10, 2400), undefined, 'evicted by age');
	for (const s of [50, 74, 128, 200, 349]) {
		const item = buf.get(s, 2400)!;
		assert.equal(item.seq, s);
		assert.equal(item.buffer.readUInt16BE(2), s, `seq ${s} kept its bytes through the growth`);
		assert.equal(item.buffer[50], s & 0xff);
		assert.equal(item.storedAtMs, 2000 + s);
	}
	// Seq 74 took slot 10 of the first table (74 = 10 mod 64), and its buffer went with it as the table grew.
	assert.equal(buf.get(74, 2400)!.buffer, first, 'seq 74 reuses the buffer seq 10 had');
	buf.onNackSequenceNumbers([10, 60, 330], 2400, 100);
	assert.deepEqual(seqsOf(buf), [60, 330]);
	assert.deepEqual(buf.missing, [10]);
});

// The shared store is the process's: each test below that uses it has a clock of its own, later
// than the previous test's (and than the 2 s its packets live).

test('a NACK for a seq whose slot a newer packet took is missing, not the newer packet', () => {
	const buf = new RetransmissionBuffer({ maxPackets: 16 });
	const t0 = 3e9;
	for (let s = 0; s < 16; s++) buf.storeShared(s, 1000 + s, pkt(s, 300), 300, t0);
	buf.storeShared(16, 1016, pkt(16, 300), 300, t0 + 1); // takes seq 0's slot
	buf.storeShared(21, 1021, pkt(21, 300), 300, t0 + 1); // a gap: 1 .. 5 evicted by count too
	assert.equal(buf.size, 12);
	buf.onNackSequenceNumbers([0, 5, 6, 16, 21, 17], t0 + 2, 100);
	assert.deepEqual(buf.missing, [0, 5, 17]);
	assert.deepEqual(
		buf.resend.map((i) => [i.seq, i.timestamp, i.shared!.buffer.readUInt16BE(2)]),
		[
			[6, 1006, 6],
			[16, 1016, 16],
			[21, 1021, 21],
		],
	);
	assert.ok(buf.resend.every((i) => RetransmissionBuffer.sharedValid(i)));
	assert.equal(buf.get(0, t0 + 2), undefined);
	assert.equal(buf.get(16, t0 + 2)!.timestamp, 1016);
});

test('a jump past the whole window evicts every packet it leaves behind (size counts only what is held)', () => {
	const buf = new RetransmissionBuffer({ maxPackets: 100 });
	for (let s = 0; s < 200; s++) buf.store(s, pkt(s), 100, 0); // the table is at capacity (128)
	assert.equal(buf.size, 128);
	buf.store(1000, pkt(1000), 100, 1);
	assert.equal(buf.size, 1);
	assert.equal(buf.get(199, 1), undefined);
	assert.equal(buf.get(1000, 1)!.buffer.readUInt16BE(2), 1000);
	for (let s = 1001; s < 1200; s++) buf.store(s, pkt(s), 100, 2);
	assert.equal(buf.size, 128);
});

test('storeShared across the 16-bit wrap, then clear()', () => {
	const buf = new RetransmissionBuffer({ maxAgeMs: 2000, minAgeMs: 2000 });
	const t0 = 5e9;
	for (let i = 0; i < 100; i++) {
		const s = (65500 + i) & 0xffff;
		buf.storeShared(s, (4294967200 + i * 3000) >>> 0, pkt(s, 200), 200, t0 + i, {
			marker: i % 2 === 0,
			payloadOffset: i % 3 === 0 ? -1 : 2,
			payloadLength: 3,
			payloadValue: 0xfffff0 + (i % 16),
		});
	}
	buf.onNackSequenceNumbers([65534, 65535, 0, 1, 63, 64], t0 + 100, 50);
	assert.deepEqual(
		buf.resend.map((i) => i.seq & 0xffff),
		[65534, 65535, 0, 1, 63],
	);
	assert.deepEqual(buf.missing, [64]);
	const wrapped = buf.resend[2]; // seq 0: the 36th packet
	assert.equal(wrapped.seq, 65536, 'extended past the wrap');
	assert.equal(wrapped.timestamp, (4294967200 + 36 * 3000) >>> 0);
	assert.equal(wrapped.markerSet, true);
	assert.equal(wrapped.patchOffset, -1);
	const next = buf.resend[3]; // seq 1: the 37th
	assert.deepEqual([next.markerSet, next.patchOffset, next.patchLength, next.patchValue], [false, 2, 3, 0xfffff0 + (37 % 16)]);
	assert.ok(RetransmissionBuffer.sharedValid(next));
	assert.equal(next.shared!.buffer.readUInt16BE(2), 1);
	assert.equal(next.length, 200);

	buf.clear();
	assert.equal(buf.size, 0);
	assert.equal(buf.get(0, t0 + 100), undefined);
	buf.onNackSequenceNumbers([0, 1], t0 + 101, 50);
	assert.deepEqual(buf.missing, [0, 1]);
	// Restarts anywhere, with nothing of the previous packets.
	buf.storeShared(30000, 7, pkt(30000, 200), 200, t0 + 102);
	assert.equal(buf.size, 1);
	assert.equal(buf.get(1, t0 + 102), undefined);
	assert.equal(buf.get(30000, t0 + 102)!.timestamp, 7);
	assert.equal(buf.get(30000, t0 + 102)!.sentTimes, 0, 'a fresh slot');
});

test('shared packets that moved on: evicted by the store, their objects and ring slots reused by others', () => {
	const buf = new RetransmissionBuffer({ maxAgeMs: 4000, minAgeMs: 4000 });
	const t0 = 9e9;
	for (let s = 0; s < 300; s++) buf.storeShared(s, s, pkt(s, 100), 100, t0 + s);
	assert.ok(RetransmissionBuffer.sharedValid(buf.get(5, t0 + 300)!));
	// 2.5 s later the store has evicted them (the consumer keeps them 4 s): 256 objects kept for
	// reuse, the others dropped; the next 300 packets take those 256 and new ones, and the ring
	// slots of the first 300.
	const other = new RetransmissionBuffer({ maxAgeMs: 4000, minAgeMs: 4000 });
	for (let s = 0; s < 300; s++) other.storeShared(s, s, pkt(5000 + s, 100), 100, t0 + 2500 + s);
	buf.onNackSequenceNumbers([0, 5, 150, 299], t0 + 2800, 100);
	assert.equal(buf.resend.length, 4, 'the consumer still holds them');
	for (const item of buf.resend) {
		assert.equal(RetransmissionBuffer.sharedValid(item), false, `seq ${item.seq}`);
		assert.equal(item.shared!.length, 0, 'a stand-in without bytes, not the packet that took its place');
	}
	for (const s of [0, 5, 150, 299]) {
		const item = other.get(s, t0 + 2800)!;
		assert.ok(RetransmissionBuffer.sharedValid(item));
		assert.equal(item.shared!.buffer.readUInt16BE(2), 5000 + s);
	}
});

test('items are views: resend stays as answered until the next NACK, get() until the next get()', () => {
	const buf = new RetransmissionBuffer({ maxPackets: 16 });
	const t0 = 3e10;
	for (let s = 0; s < 8; s++) buf.storeShared(s, 100 + s, pkt(s, 100), 100, t0 + 1);
	buf.onNackSequenceNumbers([2, 3], t0 + 2, 100);
	const [a, b] = buf.resend;
	for (let s = 8; s < 30; s++) buf.storeShared(s, 100 + s, pkt(s, 100), 100, t0 + 3); // 2 and 3's slots reused
	assert.deepEqual([a.seq, a.timestamp, a.sentTimes, b.seq, b.timestamp], [2, 102, 1, 3, 103]);
	assert.equal(a.shared!.buffer.readUInt16BE(2), 2, 'the shared packet is still the store\'s');
	const g = buf.get(20, t0 + 3)!;
	assert.equal(g.seq, 20);
	assert.equal(buf.get(21, t0 + 3), g, 'the same view, now of seq 21');
	assert.equal(g.seq, 21);
	assert.equal(buf.get(2, t0 + 3), undefined);
	buf.onNackSequenceNumbers([20], t0 + 4, 100);
	assert.equal(buf.resend[0], a, 'the views are reused by the next answer');
	assert.equal(a.seq, 20);
});

test('a clock that goes back: eviction still goes from the oldest seq while it is too old', () => {
	const buf = new RetransmissionBuffer({ maxAgeMs: 500 });
	buf.store(5, pkt(5), 100, 1000);
	buf.store(4, pkt(4), 100, 100); // an older seq, stored "earlier"
	buf.store(6, pkt(6), 100, 1000);
	assert.equal(buf.get(4, 700), undefined, 'seq 4 is 600 ms old at 700');
	assert.equal(buf.get(5, 700)!.storedAtMs, 1000);
	assert.equal(buf.size, 2);
	buf.store(3, pkt(3), 100, 200); // the oldest again, and older than the others
	assert.equal(buf.get(3, 700)!.storedAtMs, 200);
	assert.equal(buf.get(3, 701), undefined, 'evicted first (seq 5 and 6 stay)');
	assert.equal(buf.size, 2);
});

test('a view kept over the shared packet\'s eviction says so before its object is reused', () => {
	const buf = new RetransmissionBuffer({ maxAgeMs: 4000, minAgeMs: 4000 });
	const t0 = 4e10;
	for (let s = 0; s < 10; s++) buf.storeShared(s, s, pkt(s, 100), 100, t0 + s);
	const held = buf.get(0, t0 + 10)!;
	assert.ok(RetransmissionBuffer.sharedValid(held));
	// One packet 2.1 s later: the store evicts all ten and reuses one of their objects.
	buf.storeShared(10, 10, pkt(10, 100), 100, t0 + 2100);
	assert.equal(RetransmissionBuffer.sharedValid(held), false);
	for (let s = 0; s < 10; s++) assert.equal(RetransmissionBuffer.sharedValid(buf.get(s, t0 + 2100)!), false, `seq ${s}`);
	assert.ok(RetransmissionBuffer.sharedValid(buf.get(10, t0 + 2100)!));
});

test('the shared store keeps packets as long as the longest-keeping consumer lately asked, within its maximum', () => {
	const store = new SharedPacketStore(2000);
	const p = (seq: number): Buffer => pkt(seq, 200);
	assert.equal(store.keptMs, 2000, 'before any consumer asked');
	// Consumers keeping 500 ms (short paths): after the first window, 500 ms.
	let t = 10_000;
	for (let i = 0; i < 300; i++, t += 10) store.retain(p(i), 200, t, 500);
	assert.equal(store.keptMs, 500);
	assert.ok(store.size >= 50 && store.size <= 51, `about 500 ms of packets held (${store.size})`);
	// One consumer now keeps 1,500 ms: counts at once, nothing more is evicted until then.
	const before = store.size;
	store.keepAtLeast(1500);
	assert.equal(store.keptMs, 1500);
	for (let i = 300; i < 400; i++, t += 10) store.retain(p(i), 200, t, 500);
	assert.equal(store.size, before + 100, 'nothing evicted within 1,500 ms');
	// A request above the maximum is capped.
	store.retain(p(400), 200, (t += 10), 5000);
	assert.equal(store.keptMs, 2000);
	// Only 500 ms requests for two whole windows: back to 500 ms.
	for (let i = 401; i < 700; i++, t += 10) store.retain(p(i), 200, t, 500);
	assert.equal(store.keptMs, 500);
	assert.ok(store.size <= 51, `older packets evicted (${store.size})`);
});

test("a consumer's longer age limit (its RTT grew) reaches the shared store before its packets would go", () => {
	// Later than any other test's clock: the store is the process's.
	const t0 = 9e12;
	// Everyone has kept 500 ms for a while: so does the store.
	const other = new RetransmissionBuffer({ maxAgeMs: 2000, minAgeMs: 500 });
	for (let s = 0; s < 300; s++) other.storeShared(s, s, pkt(30_000 + s, 300), 300, t0 - 3000 + s * 10);
	assert.equal(sharedPacketStore.keptMs, 500);
	const buf = new RetransmissionBuffer({ maxAgeMs: 2000, minAgeMs: 500 });
	for (let s = 0; s < 50; s++) buf.storeShared(s, s, pkt(40_000 + s, 300), 300, t0 + s * 10);
	// At 490 ms, RTT 400 ms: packets are kept 1.6 s from now on, so the one stored at 100 ms is
	// still held at 1,100 ms.
	buf.setRtt(400);
	const held = buf.get(10, t0 + 1100)!;
	assert.ok(held, 'the consumer keeps it');
	// Other consumers' traffic through the store meanwhile (they keep 500 ms).
	for (let s = 300; s < 320; s++) other.storeShared(s, s, pkt(41_000 + s, 300), 300, t0 + 1100 + s);
	assert.ok(RetransmissionBuffer.sharedValid(buf.get(10, t0 + 1120)!), 'its shared copy is still there');
});
