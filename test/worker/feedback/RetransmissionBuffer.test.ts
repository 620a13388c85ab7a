import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenericNack } from '../../../src/proto/rtcp/nack';
import { RetransmissionBuffer, sharedPacketStore } from '../../../src/worker/feedback/RetransmissionBuffer';

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
