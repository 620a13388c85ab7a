/**
 * What transports allocate only when first used, or share per worker: the transport bitrate
 * calculators (slots made by the first update) and the worker's outgoing RTP scratch (made by
 * the first packet, retired when a queued send still holds it).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RateCalculator } from '../../../src/worker/engine/transports/rate';
import { protectRtpForSend, RtpScratch, releaseIfQueued, srtpOutput } from '../../../src/worker/engine/transports/common';
import { SrtpSession } from '../../../src/proto/srtp';

test('transport rate: no slots until the first update, 0 bps before; the 1 s window after', () => {
	const rate = new RateCalculator();
	const t0 = 1_700_000_000_000; // nowMs() is on the epoch

	assert.equal(rate.allocated, false);
	assert.equal(rate.getRate(t0), 0);
	assert.equal(rate.allocated, false, 'reading allocates nothing');

	// 100 x 125 B over one second = 100 kbps.
	for (let t = 0; t < 1000; t += 10) {
		rate.update(125, t0 + t);
	}
	assert.equal(rate.allocated, true);
	assert.equal(rate.getRate(t0 + 999), 100000);
	assert.equal(rate.getRate(t0 + 1499), 50000, 'half the slots left the window');
	assert.equal(rate.getRate(t0 + 5000), 0);
	// A slot reused a window later starts from zero.
	rate.update(1000, t0 + 10_000);
	assert.equal(rate.getRate(t0 + 10_050), 8000);
});

test('RTP scratch: allocated by the first view, one view per length, grows, retire() gives a new buffer', () => {
	const scratch = new RtpScratch(64);
	const other = Buffer.alloc(100);

	assert.equal(scratch.holds(other), false, 'nothing allocated yet');

	const a = scratch.view(40);

	assert.equal(a.length, 40);
	assert.equal(scratch.view(40), a, 'the same view for the same length (no allocation per packet)');
	assert.equal(scratch.holds(a), true);
	assert.equal(scratch.holds(other), false);

	const b = scratch.view(20);

	assert.equal(b.buffer, a.buffer, 'one buffer under every length');
	a[0] = 7;
	assert.equal(b[0], 7);

	// Longer than the scratch: a new one (twice the length), the old views dropped.
	const big = scratch.view(100);

	assert.equal(big.length, 100);
	assert.notEqual(big.buffer, a.buffer);
	assert.ok(big.buffer.byteLength >= 200);
	assert.equal(scratch.holds(a), false);
	assert.equal(scratch.holds(big), true);

	// A queued send still holds it: the next view comes from a new buffer, the old one untouched.
	big.fill(1);
	scratch.retire();
	assert.equal(scratch.holds(big), false);

	const next = scratch.view(100);

	assert.notEqual(next.buffer, big.buffer);
	assert.equal(next.buffer.byteLength, 200, 'as large as the one retired');
	next.fill(2);
	assert.equal(big[0], 1);
	// Small again after a retire: the initial size.
	scratch.retire();
	assert.equal(scratch.view(10).buffer.byteLength, 64);
});

test('SRTP output: transports share the worker\'s while their sockets send synchronously; a queued send keeps it; TCP gets its own', () => {
	const key = (seed: number): string => Buffer.alloc(30, seed).toString('base64');
	const suite = 'AES_CM_128_HMAC_SHA1_80';
	const [txA, txB] = [new SrtpSession(suite, key(1)), new SrtpSession(suite, key(2))];
	const [rxA, rxB] = [new SrtpSession(suite, key(1)), new SrtpSession(suite, key(2))];
	const rtp = (seq: number, fill: number): Buffer => {
		const b = Buffer.alloc(12 + 1000, fill);
		b[0] = 0x80;
		b[1] = 96;
		b.writeUInt16BE(seq, 2);
		b.writeUInt32BE(0x1234, 8);
		return b;
	};
	// What UdpSocket tells: whether its last sends all went to the kernel at once.
	const free = { sendBuffersFree: true } as any;
	const queued = { sendBuffersFree: false } as any;

	const a1 = protectRtpForSend(txA, rtp(1, 0xaa), free)!;
	const wireA1 = Buffer.from(a1);
	releaseIfQueued(free, a1);
	const b1 = protectRtpForSend(txB, rtp(1, 0xbb), free)!;
	assert.equal(b1.buffer, a1.buffer, 'one output for both transports');
	assert.ok(srtpOutput.holds(b1));
	assert.deepEqual(rxA.unprotectRtp(wireA1), rtp(1, 0xaa));

	// B's send was queued by libuv: the output stays with it, the next packet gets another one.
	releaseIfQueued(queued, b1);
	const heldByQueue = Buffer.from(b1);
	const a2 = protectRtpForSend(txA, rtp(2, 0xcc), free)!;
	assert.notEqual(a2.buffer, b1.buffer);
	assert.ok(b1.equals(heldByQueue), 'the queued packet is not overwritten');
	assert.deepEqual(rxB.unprotectRtp(Buffer.from(b1)), rtp(1, 0xbb));
	assert.deepEqual(rxA.unprotectRtp(Buffer.from(a2)), rtp(2, 0xcc));

	// No UDP socket (a TCP sink may queue) or a socket with a send queued: a buffer of its own.
	const tcp = protectRtpForSend(txA, rtp(3, 0xdd), undefined)!;
	const busy = protectRtpForSend(txA, rtp(4, 0xee), queued)!;
	assert.ok(!srtpOutput.holds(tcp) && !srtpOutput.holds(busy));
	assert.deepEqual(rxA.unprotectRtp(Buffer.from(tcp)), rtp(3, 0xdd));
	assert.deepEqual(rxA.unprotectRtp(Buffer.from(busy)), rtp(4, 0xee));
});
