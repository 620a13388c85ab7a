import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReportBlock } from '../../../src/proto/rtcp/reportblock';
import { ReceiverReport } from '../../../src/proto/rtcp/receiverreport';
import {
	RECV_BAD_SEQ,
	RECV_DUPLICATE,
	RECV_OK,
	RECV_PROBATION,
	RtpStreamRecv,
} from '../../../src/worker/feedback/RtpStreamRecv';
import { prng } from './helpers';

function stream(extra: Partial<ConstructorParameters<typeof RtpStreamRecv>[0]> = {}): RtpStreamRecv {
	return new RtpStreamRecv({ ssrc: 0x11223344, clockRate: 90000, minSequential: 1, ...extra });
}

test('RFC 3550 A.1 probation: MIN_SEQUENTIAL = 2 sequential packets validate the source', () => {
	const s = new RtpStreamRecv({ ssrc: 1, clockRate: 90000 });
	assert.equal(s.receivePacket(100, 0, 1000, 0), RECV_PROBATION);
	assert.equal(s.packetsReceived, 0);
	assert.equal(s.receivePacket(101, 0, 1000, 20), RECV_OK);
	// init_seq(101) then received++: the probation packet is not counted.
	assert.equal(s.packetsReceived, 1);
	assert.equal(s.packetsExpected, 1);
	assert.equal(s.packetsLost, 0);
	assert.equal(s.receivePacket(102, 0, 1000, 40), RECV_OK);
	assert.equal(s.packetsExpected, 2);
});

test('RFC 3550 A.1 probation restarts when packets are not sequential', () => {
	const s = new RtpStreamRecv({ ssrc: 1, clockRate: 90000, minSequential: 3 });
	assert.equal(s.receivePacket(10, 0, 100, 0), RECV_PROBATION);
	assert.equal(s.receivePacket(11, 0, 100, 0), RECV_PROBATION);
	assert.equal(s.receivePacket(50, 0, 100, 0), RECV_PROBATION, 'out of sequence: probation = MIN_SEQUENTIAL - 1');
	assert.equal(s.receivePacket(51, 0, 100, 0), RECV_PROBATION);
	assert.equal(s.receivePacket(52, 0, 100, 0), RECV_OK);
	assert.equal(s.packetsExpected, 1);
	assert.equal(s.extendedHighestSeq, 52);
});

test('16-bit wraparound: extended highest seq counts cycles (A.1), no loss', () => {
	const s = stream();
	for (let i = 0; i < 20; i++) assert.equal(s.receivePacket((65530 + i) & 0xffff, i * 3000, 1000, i * 33), RECV_OK);
	assert.equal(s.extendedHighestSeq, 65536 + 13);
	assert.equal(s.packetsExpected, 20);
	assert.equal(s.packetsLost, 0);
	const block = s.getReportBlock(1000);
	assert.equal(block.highestSequenceNumber, 0x1000d);
	assert.equal(block.fractionLost, 0);
});

test('reordering within MAX_MISORDER is counted, not a new cycle', () => {
	const s = stream();
	for (const seq of [65534, 65535, 1, 0, 2, 3]) assert.equal(s.receivePacket(seq, 0, 100, 0), RECV_OK);
	assert.equal(s.extendedHighestSeq, 65536 + 3);
	assert.equal(s.packetsExpected, 6);
	assert.equal(s.packetsLost, 0);
});

test('duplicates count as received (RFC 3550 6.4.1), so cumulative loss goes negative', () => {
	const s = stream();
	s.receivePacket(1000, 0, 100, 0);
	s.receivePacket(1001, 0, 100, 0);
	assert.equal(s.receivePacket(1001, 0, 100, 0), RECV_DUPLICATE);
	s.receivePacket(1002, 0, 100, 0);
	assert.equal(s.receivePacket(1000, 0, 100, 0), RECV_DUPLICATE, 'an older duplicate too');
	assert.equal(s.packetsDuplicated, 2);
	assert.equal(s.packetsLost, -2);
	const rr = new ReceiverReport({ ssrc: 9, reports: [s.getReportBlock(0)] });
	const wire = rr.serialize();
	// 24-bit two's complement -2 = 0xfffffe, read back signed.
	assert.deepEqual([...wire.subarray(13, 16)], [0xff, 0xff, 0xfe]);
	assert.equal(ReceiverReport.parse(wire)!.reports[0].cumulativeLost, -2);
	assert.equal(rr.reports[0].fractionLost, 0, 'A.3: lost_interval <= 0 gives fraction 0');
});

test('MAX_DROPOUT jump: discarded, then two sequential packets re-sync (A.1)', () => {
	const s = stream();
	for (let seq = 1000; seq < 1010; seq++) s.receivePacket(seq, 0, 100, 0);
	assert.equal(s.receivePacket(30000, 0, 100, 0), RECV_BAD_SEQ);
	assert.equal(s.packetsDiscarded, 1);
	assert.equal(s.packetsExpected, 10, 'a bad packet changes nothing');
	assert.equal(s.receivePacket(30001, 0, 100, 0), RECV_OK);
	assert.equal(s.packetsReceived, 1, 'init_seq restarted the counters');
	assert.equal(s.packetCount, 11, "stats' packetCount runs on over the re-sync (10 before, 1 after)");
	assert.equal(s.bytesReceived, 1100);
	assert.equal(s.packetsExpected, 1);
	assert.equal(s.extendedHighestSeq, 30001);
	// A packet far behind (more than MAX_MISORDER) is a jump too.
	assert.equal(s.receivePacket(29800, 0, 100, 0), RECV_BAD_SEQ);
	// A gap under MAX_DROPOUT is loss, not a jump.
	assert.equal(s.receivePacket(32000, 0, 100, 0), RECV_OK);
	assert.equal(s.packetsLost, 1998);
});

test('10% loss: fraction lost 25/256 per A.3 and score 6 (mediasoup formula)', () => {
	const s = stream();
	let seq = 5000;
	let t = 0;
	const fractions: number[] = [];
	for (let interval = 0; interval < 10; interval++) {
		for (let i = 0; i < 100; i++, seq++, t += 10) {
			if (seq % 10 === 3) continue; // every tenth packet lost
			s.receivePacket(seq & 0xffff, t * 90, 1200, t);
		}
		fractions.push(s.getReportBlock(t).fractionLost);
		s.receiveSenderReport(0xe0000000, 0, 0, t);
	}
	// (10 * 256) / 100 = 25.6, and A.3 divides as integers.
	for (const f of fractions) assert.equal(f, 25);
	assert.equal(s.packetsLost, 100);
	// Each interval: 100 expected, 90 received, 10 lost -> (80/90)^4 * 10 = 6.2 -> 6.
	assert.equal(s.score, 6);
	assert.equal(s.getReportBlock(t).fractionLost, 0, 'no packet since the last report');
});

test('no loss keeps the score at 10; NACK repairs (RTX) lift a lossy interval', () => {
	const s = stream({ useRtx: true });
	for (let seq = 0; seq < 100; seq++) s.receivePacket(seq, seq * 900, 1000, seq * 10);
	s.receiveSenderReport(0xe0000000, 0, 0, 1000);
	assert.equal(s.score, 10);
	// Next interval loses 10, all repaired by RTX.
	for (let seq = 100; seq < 200; seq++) {
		if (seq % 10 === 0) continue;
		s.receivePacket(seq, seq * 900, 1000, seq * 10);
	}
	for (let seq = 100; seq < 200; seq += 10) assert.equal(s.receiveRtxPacket(seq, 1000, 2000, true), true);
	assert.equal(s.packetsRepaired, 10);
	assert.equal(s.packetsRetransmitted, 10);
	assert.equal(s.packetsLost, 10, 'RTX repairs do not count as media received (as mediasoup)');
	s.receiveSenderReport(0xe0000000, 0, 0, 2000);
	// Sample 9 (see Score tests): (10 + 2*9) / 3 = 9.33 -> 9.
	assert.equal(s.score, 9);
});

test('jitter (A.8): constant transit gives 0', () => {
	const s = stream({ clockRate: 48000 });
	for (let i = 0; i < 200; i++) s.receivePacket(i, (i * 960 + 0xfffff000) >>> 0, 100, 1000 + i * 20);
	assert.equal(s.jitter, 0, 'also across the RTP timestamp wrap');
});

test('jitter (A.8): packets every 20 ms with uniform +-5 ms arrival noise -> about 160 at 48 kHz', () => {
	// D = difference of two independent U(-5, 5) ms delays: E|D| = 10/3 ms = 160 ticks at 48 kHz.
	const rand = prng(3550);
	const s = stream({ clockRate: 48000 });
	const samples: number[] = [];
	for (let i = 0; i < 20000; i++) {
		s.receivePacket(i & 0xffff, i * 960, 100, i * 20 + (rand() * 10 - 5));
		if (i > 1000 && i % 100 === 0) samples.push(s.jitter);
	}
	const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
	assert.ok(Math.abs(mean - 160) < 12, `mean jitter ${mean}`);
});

test('jitter (A.8): a single 30 ms late packet moves J by |D|/16 each way', () => {
	const s = stream({ clockRate: 8000 });
	for (let i = 0; i < 10; i++) s.receivePacket(i, i * 160, 100, i * 20);
	s.receivePacket(10, 1600, 100, 230); // 30 ms late = 240 ticks
	assert.equal(s.jitter, 15, '240 / 16');
	s.receivePacket(11, 1760, 100, 220); // back on time: D = 240 again
	assert.equal(s.jitter, Math.floor(15 + (240 - 15) / 16));
});

test('LSR/DLSR from the last SR: RFC 3550 6.4.1 example values', () => {
	const s = stream();
	s.receivePacket(1, 0, 100, 0);
	assert.equal(s.getReportBlock(10).lastSr, 0, 'no SR yet: LSR = DLSR = 0');
	s.receiveSenderReport(0xb44db705, 0x20000000, 12345, 1000);
	const block = s.getReportBlock(6250, new ReportBlock());
	assert.equal(block.ssrc, 0x11223344);
	assert.equal(block.lastSr, 0xb7052000);
	assert.equal(block.delaySinceLastSr, 0x00054000, '5.25 s');
	assert.equal(s.lastSrRtpTimestamp, 12345);
});

test('inactivity drops the score to 0; the next packet restores 10', () => {
	const s = stream();
	s.receivePacket(1, 0, 100, 0);
	assert.equal(s.onTimer(1000), false);
	assert.equal(s.onTimer(1500), true);
	assert.equal(s.score, 0);
	assert.equal(s.inactive, true);
	assert.equal(s.updateScore(), false, 'no samples while inactive');
	s.receivePacket(2, 0, 100, 1600);
	assert.equal(s.score, 10);
	assert.equal(s.inactive, false);
	const dtx = stream({ useDtx: true });
	dtx.receivePacket(1, 0, 100, 0);
	assert.equal(dtx.onTimer(4999), false, 'DTX streams get 5 s');
	assert.equal(dtx.onTimer(5000), true);
});

test('bitrate per spatial/temporal layer', () => {
	const s = stream({ spatialLayers: 2, temporalLayers: 2, bitrateWindowMs: 1000 });
	// 1 s of traffic: S0T0 100 kbps, S0T1 50 kbps, S1T0 200 kbps, S1T1 none.
	let seq = 0;
	for (let t = 0; t < 1000; t += 10) {
		s.receivePacket(seq++, 0, 125, t, 0, 0);
		if (t % 20 === 0) s.receivePacket(seq++, 0, 125, t, 0, 1);
		s.receivePacket(seq++, 0, 250, t, 1, 0);
	}
	assert.equal(s.getSingleLayerBitrate(999, 0, 0), 100000);
	assert.equal(s.getLayerBitrate(999, 0, 1), 150000);
	assert.equal(s.getLayerBitrate(999, 1, 0), 350000, 'all of S0 plus S1T0');
	assert.equal(s.getLayerBitrate(999, 1, 1), 0, 'S1T1 is not being received');
	assert.equal(s.getBitrate(999), 350000);
	assert.equal(s.getBitrate(5000), 0);
	// Out-of-range layers are clamped, not thrown.
	s.receivePacket(seq++, 0, 125, 5000, 7, 9);
	assert.equal(s.getSingleLayerBitrate(5000, 1, 1), 1000);
	assert.equal(s.bytesReceived, 100 * 125 + 50 * 125 + 100 * 250 + 125);
});

test('in-band retransmission (no RTX): counted received, repaired and retransmitted', () => {
	const s = stream();
	for (const seq of [1, 2, 4, 5]) s.receivePacket(seq, 0, 100, 0);
	assert.equal(s.packetsLost, 1);
	assert.equal(s.receivePacket(3, 0, 100, 100), RECV_OK);
	s.packetRecoveredInBand();
	assert.equal(s.packetsLost, 0);
	assert.equal(s.packetsRepaired, 1);
	assert.equal(s.packetsRetransmitted, 1);
	assert.equal(s.receiveRtxPacket(40000, 100, 0, true), false, 'RTX with a bad seq is refused');
});
