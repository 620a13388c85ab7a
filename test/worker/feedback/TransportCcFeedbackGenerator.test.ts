import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TransportCcFeedback, type TransportCcPacketResult } from '../../../src/proto/rtcp/transportcc';
import { TransportCcFeedbackGenerator } from '../../../src/worker/feedback/TransportCcFeedbackGenerator';
import { prng } from './helpers';

function results(fbs: TransportCcFeedback[]): TransportCcPacketResult[] {
	// Through the wire and back, as the sender will read them.
	return fbs.flatMap((fb) => TransportCcFeedback.parse(fb.serialize())!.getPacketResults());
}

test('in-order packets across the 16-bit wrap, sent at the 100 ms interval', () => {
	const g = new TransportCcFeedbackGenerator({ senderSsrc: 1, mediaSsrc: 2 });
	const t0 = 5_000_000_123; // µs
	for (let i = 0; i < 20; i++) assert.equal(g.onPacket((65530 + i) & 0xffff, t0 + i * 5000, i * 5), undefined);
	const fbs = g.onTimer(100);
	assert.equal(fbs.length, 1);
	assert.equal(fbs[0].baseSequenceNumber, 65530);
	assert.equal(fbs[0].packetStatusCount, 20);
	assert.equal(fbs[0].feedbackPacketCount, 0);
	const r = results(fbs);
	assert.deepEqual(r.map((x) => x.sequenceNumber), Array.from({ length: 20 }, (_, i) => (65530 + i) & 0xffff));
	assert.ok(r.every((x) => x.received));
	// Deltas are in 250 µs ticks: each 5 ms step is exactly 20 ticks.
	for (let i = 1; i < 20; i++) assert.equal(r[i].arrivalUs - r[i - 1].arrivalUs, 5000);
	assert.deepEqual(g.onTimer(150), [], 'interval not elapsed');
	assert.deepEqual(g.onTimer(300), [], 'nothing pending');
	g.onPacket(14, t0 + 200000, 310);
	const next = g.onTimer(310);
	assert.equal(next[0].feedbackPacketCount, 1, 'feedback count increments');
	assert.equal(next[0].baseSequenceNumber, 14);
});

test('losses are reported not received; reordering within the interval is placed in order', () => {
	const g = new TransportCcFeedbackGenerator();
	const order = [100, 101, 103, 102, 106, 104, 108];
	for (const s of order) g.onPacket(s, 1_000_000 + s * 1000, 0);
	const r = results(g.flush(50));
	assert.deepEqual(
		r.map((x) => [x.sequenceNumber, x.received]),
		[[100, true], [101, true], [102, true], [103, true], [104, true], [105, false], [106, true], [107, false], [108, true]]
	);
	// Arrival deltas keep their order: 102 arrived at its own time.
	assert.equal(r[2].arrivalUs - r[0].arrivalUs, 2000);
	// Too late: 105 after its feedback went out.
	g.onPacket(105, 2_000_000, 60);
	assert.equal(g.packetsTooLate, 1);
	g.onPacket(109, 2_000_000, 60);
	g.onPacket(109, 2_000_000, 60);
	assert.equal(g.packetsDuplicated, 1);
});

test('negative deltas (arrival clock not monotonic with seq) use large deltas', () => {
	const g = new TransportCcFeedbackGenerator();
	g.onPacket(1, 1_000_000, 0);
	g.onPacket(2, 990_000, 0);
	const r = results(g.flush(1));
	assert.equal(r[1].arrivalUs - r[0].arrivalUs, -10000);
});

test('count threshold sends early from onPacket', () => {
	const g = new TransportCcFeedbackGenerator({ maxPacketsPerFeedback: 50 });
	let sent: TransportCcFeedback[] | undefined;
	let at = -1;
	for (let s = 0; s < 60 && !sent; s++) {
		sent = g.onPacket(s, s * 1000, 0);
		if (sent) at = s;
	}
	assert.equal(at, 49);
	assert.equal(sent!.length, 1);
	assert.equal(sent![0].packetStatusCount, 50);
	assert.equal(g.pendingCount, 0);
});

test('a feedback larger than maxSize is split, every sequence number covered once', () => {
	const rand = prng(7);
	const g = new TransportCcFeedbackGenerator({ maxSize: 64, maxPacketsPerFeedback: 4000 });
	const sentSeqs: number[] = [];
	let t = 0;
	for (let s = 0; s < 300; s++) {
		t += 300 + Math.floor(rand() * 40000); // varied deltas, some large
		if (rand() < 0.1) continue;
		sentSeqs.push(s);
		g.onPacket(s, t, 0);
	}
	const fbs = g.flush(100);
	assert.ok(fbs.length > 3, `${fbs.length} packets`);
	for (const fb of fbs) assert.ok(fb.size() <= 64);
	const r = results(fbs);
	const received = r.filter((x) => x.received).map((x) => x.sequenceNumber);
	assert.deepEqual(received, sentSeqs);
	const covered = r.map((x) => x.sequenceNumber);
	// From the first packet received (feedback starts at a received one) to the last, once each.
	assert.equal(covered[0], sentSeqs[0]);
	assert.deepEqual(covered, Array.from({ length: covered.length }, (_, i) => covered[0] + i), 'contiguous, no repeats');
	assert.equal(covered[covered.length - 1], sentSeqs[sentSeqs.length - 1]);
	assert.deepEqual(fbs.map((f) => f.feedbackPacketCount), fbs.map((_, i) => i));
});

test('a jump beyond the window flushes what was pending and restarts', () => {
	const g = new TransportCcFeedbackGenerator();
	g.onPacket(0, 1000, 0);
	g.onPacket(1, 2000, 0);
	const out = g.onPacket(20000, 3000, 0)!;
	assert.equal(out.length, 1);
	assert.equal(out[0].packetStatusCount, 2);
	const next = g.flush(10);
	assert.equal(next[0].baseSequenceNumber, 20000);
	assert.equal(next[0].packetStatusCount, 1);
});

test('the media SSRC field follows the latest packet (libwebrtc only takes feedback naming one of its SSRCs)', () => {
	// Simulcast by RID: no SSRC is signalled, so the generator starts at 0; Chromium drops a
	// transport-cc whose media SSRC is not registered with one of its RTP modules.
	const g = new TransportCcFeedbackGenerator({ senderSsrc: 1 });
	assert.equal(g.mediaSsrc, 0);
	g.mediaSsrc = 0xdeadbeef;
	g.onPacket(10, 1_000_000, 0);
	const fbs = g.flush(10);
	assert.equal(TransportCcFeedback.parse(fbs[0].serialize())!.mediaSsrc, 0xdeadbeef);
	assert.equal(g.mediaSsrc, 0xdeadbeef);
});
