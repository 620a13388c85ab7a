import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenericNack } from '../../../src/proto/rtcp/nack';
import { NACK_DEFAULT_RTT_MS, NackGenerator } from '../../../src/worker/feedback/NackGenerator';

function feed(n: NackGenerator, seqs: number[], nowMs = 0): number[][] {
	return seqs.map((s) => n.onPacket(s, false, false, nowMs).slice());
}

test('a gap is NACKed at once (RFC 4585 6.2.1) and a late arrival leaves the list', () => {
	const n = new NackGenerator();
	assert.deepEqual(feed(n, [1, 2, 5]), [[], [], [3, 4]]);
	assert.equal(n.pending, 2);
	n.onPacket(3, false, false, 50);
	assert.equal(n.lastPacketWasNacked, true, 'it had been NACKed: a repair');
	assert.equal(n.pending, 1);
	n.onPacket(3, false, false, 60);
	assert.equal(n.lastPacketWasNacked, false, 'second copy: not on the list any more');
	assert.deepEqual(n.onPacket(6, false, false, 70), [], 'no new gap');
	// The list builds a NACK packet through proto/rtcp.
	const nack = GenericNack.fromSequenceNumbers(0, 0x1234, n.onTimer(1000, 100));
	assert.deepEqual(nack.entries, [{ pid: 4, blp: 0 }]);
});

test('gaps across the 16-bit wrap', () => {
	const n = new NackGenerator();
	assert.deepEqual(feed(n, [65533, 65534, 2]), [[], [], [65535, 0, 1]]);
	n.onPacket(0, false, false, 10);
	assert.equal(n.pending, 2);
	assert.deepEqual(n.onTimer(200, 100), [65535, 1]);
});

test('duplicates and reordered packets never NACKed do nothing', () => {
	const n = new NackGenerator();
	feed(n, [10, 11, 11, 12]);
	assert.equal(n.pending, 0);
	n.onPacket(9, false, false, 0);
	assert.equal(n.lastPacketWasNacked, false);
	assert.equal(n.pending, 0);
});

test('retries are spaced by the RTT and limited to maxRetries', () => {
	const n = new NackGenerator({ maxRetries: 4 });
	feed(n, [100, 102], 0); // NACK #1 of 101 at t=0
	assert.deepEqual(n.onTimer(40, 150), [], 'RTT not elapsed');
	assert.deepEqual(n.onTimer(120, 150), []);
	assert.deepEqual(n.onTimer(150, 150), [101], '#2 one RTT later');
	assert.deepEqual(n.onTimer(200, 150), []);
	assert.deepEqual(n.onTimer(300, 150), [101], '#3');
	assert.deepEqual(n.onTimer(300 + NACK_DEFAULT_RTT_MS, 0), [101], '#4 with unknown RTT: 100 ms');
	assert.equal(n.pending, 0, 'given up after the fourth');
	assert.equal(n.packetsAbandoned, 1);
	assert.deepEqual(n.onTimer(10000, 100), []);
});

test('sendNackDelayMs holds the first NACK back (reordering tolerance)', () => {
	const n = new NackGenerator({ sendNackDelayMs: 20 });
	assert.deepEqual(n.onPacket(1, false, false, 0), []);
	assert.deepEqual(n.onPacket(3, false, false, 0), [], 'not yet');
	assert.deepEqual(n.onPacket(4, false, false, 10), [], 'still not');
	assert.deepEqual(n.onPacket(5, false, false, 25), [2], 'delay passed, the next packet sends it');
	const m = new NackGenerator({ sendNackDelayMs: 20 });
	feed(m, [1, 3], 0);
	m.onPacket(2, false, false, 5);
	assert.equal(m.lastPacketWasNacked, false, 'arrived before any NACK');
	assert.deepEqual(m.onTimer(40, 100), [], 'reordered packet never NACKed');
});

test('RTX-recovered packets ahead of the highest seq are never NACKed', () => {
	const n = new NackGenerator();
	feed(n, [1]);
	n.onPacket(4, false, true, 0); // came via RTX before anything newer
	assert.deepEqual(n.onPacket(6, false, false, 0), [2, 3, 5]);
	n.onPacket(2, false, true, 10);
	assert.equal(n.lastPacketWasNacked, true, 'a recovered NACKed packet is a repair');
});

test('overflow: packets before the newest key frame are dropped first', () => {
	const n = new NackGenerator({ maxNackPackets: 100 });
	feed(n, [0]);
	n.onPacket(81, false, false, 0); // 80 missing
	n.onPacket(82, true, false, 0); // key frame
	assert.equal(n.pending, 80);
	n.onPacket(113, false, false, 0); // 30 more: 110 > 100
	assert.equal(n.keyFrameRequired, false);
	assert.equal(n.pending, 30, 'the 80 before the key frame went');
	assert.deepEqual(n.onTimer(1000, 100)[0], 83);
});

test('overflow with no key frame to cut at: clear the list and ask for a key frame', () => {
	const n = new NackGenerator({ maxNackPackets: 1000 });
	feed(n, [0]);
	assert.deepEqual(n.onPacket(1502, false, false, 0), []);
	assert.equal(n.keyFrameRequired, true);
	assert.equal(n.pending, 0);
	n.onPacket(1503, false, false, 0);
	assert.equal(n.keyFrameRequired, false, 'flag is per call');
	// And the next gaps work again.
	assert.deepEqual(n.onPacket(1505, false, false, 0), [1504]);
});

test('missing packets older than maxPacketAge are forgotten', () => {
	const n = new NackGenerator({ maxPacketAge: 500, maxRetries: 100 });
	feed(n, [0, 2]);
	for (let s = 3; s < 505; s++) n.onPacket(s, false, false, 0);
	assert.equal(n.pending, 0, 'seq 1 is more than 500 behind');
});

test('reset forgets everything', () => {
	const n = new NackGenerator();
	feed(n, [1, 5]);
	n.reset();
	assert.equal(n.pending, 0);
	assert.deepEqual(feed(n, [40000, 40001]), [[], []], 'first packet after reset starts afresh');
});

test('the slot tables are allocated at the first gap (or RTX-recovered packet), not for a loss-free stream', () => {
	const n = new NackGenerator();
	const seqs = Array.from({ length: 70000 }, (_, i) => i & 0xffff);
	// In order across a wrap, duplicates, and late packets: no gap, no tables, nothing NACKed.
	for (const seq of seqs) {
		assert.deepEqual(n.onPacket(seq, seq % 300 === 0, false, seq), []);
		if (seq % 1000 === 7) n.onPacket(seq - 3, false, false, seq);
	}
	assert.equal(n.tablesAllocated, false);
	assert.equal(n.onTimer(100000, 100).length, 0);
	n.reset();
	assert.equal(n.tablesAllocated, false);

	const recovered = new NackGenerator();
	feed(recovered, [1, 2]);
	recovered.onPacket(4, false, true, 0);
	assert.equal(recovered.tablesAllocated, true);
	assert.deepEqual(recovered.onPacket(5, false, false, 0), [3], 'the RTX-recovered 4 is not NACKed');

	// After the first gap the generator behaves as before.
	assert.deepEqual(n.onPacket(100, false, false, 0), []);
	assert.deepEqual(n.onPacket(103, false, false, 0), [101, 102]);
	assert.equal(n.tablesAllocated, true);
});
