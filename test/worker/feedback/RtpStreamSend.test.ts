import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReportBlock } from '../../../src/proto/rtcp/reportblock';
import { SenderReport } from '../../../src/proto/rtcp/senderreport';
import { RtpStreamRecv } from '../../../src/worker/feedback/RtpStreamRecv';
import { RtpStreamSend } from '../../../src/worker/feedback/RtpStreamSend';
import { msFromNtp } from '../../../src/worker/feedback/ntp';
import { RFC3550_EXAMPLE_MS } from './helpers';

test('SR: NTP from the wall clock, RTP timestamp extrapolated from the last packet (RFC 3550 6.4.1)', () => {
	const s = new RtpStreamSend({ ssrc: 0xabcdef01, clockRate: 90000 });
	assert.equal(s.buildSenderReport(RFC3550_EXAMPLE_MS), undefined, 'nothing sent: no mapping');
	const t0 = RFC3550_EXAMPLE_MS;
	s.onPacketSent(1000, 1200, t0);
	s.onPacketSent(4000, 800, t0 + 33);
	s.onPacketSent(3000, 800, t0 + 40); // late frame: not newer, does not move the mapping
	const sr = s.buildSenderReport(t0 + 533)!;
	assert.equal(sr.ssrc, 0xabcdef01);
	assert.equal(sr.ntpSeconds, 0xb44db705);
	assert.equal(msFromNtp(sr.ntpSeconds, sr.ntpFraction), t0 + 533);
	assert.equal(sr.rtpTimestamp, 4000 + 45000, '500 ms after the newest timestamp at 90 kHz');
	assert.equal(sr.packetCount, 3);
	assert.equal(sr.octetCount, 2800);
	const wire = sr.serialize();
	assert.equal(SenderReport.parse(wire)!.rtpTimestamp, 49000);
});

test('SR: RTP timestamp extrapolation wraps at 2^32', () => {
	const s = new RtpStreamSend({ ssrc: 1, clockRate: 48000 });
	s.onPacketSent(0xfffffc40, 100, 0);
	s.onPacketSent(0x00000000, 100, 20); // 960 ticks later across the wrap: newer
	assert.equal(s.buildSenderReport(1020)!.rtpTimestamp, 48000);
});

test('RTT from LSR/DLSR: the RFC 3550 6.4.1 example gives 6.125 s', () => {
	const s = new RtpStreamSend({ ssrc: 1, clockRate: 90000 });
	// A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000, DLSR = 0x0005:4000.
	const nowMs = RFC3550_EXAMPLE_MS + 11375;
	s.receiveReportBlock(new ReportBlock({ ssrc: 1, lastSr: 0xb7052000, delaySinceLastSr: 0x00054000 }), nowMs);
	assert.equal(s.rttMs, 6125);
	// No LSR: RTT unknown, keeps the previous value.
	s.receiveReportBlock(new ReportBlock({ ssrc: 1 }), nowMs + 10);
	assert.equal(s.rttMs, 6125);
	// A "negative" RTT (remote clock confusion) is ignored.
	s.receiveReportBlock(new ReportBlock({ ssrc: 1, lastSr: 0xb7108000, delaySinceLastSr: 0x00010000 }), nowMs);
	assert.equal(s.rttMs, 6125);
});

test('RTT round trip: our SR echoed by a receiver after 5.25 s, back after 80 ms', () => {
	const send = new RtpStreamSend({ ssrc: 7, clockRate: 90000 });
	const recv = new RtpStreamRecv({ ssrc: 7, clockRate: 90000, minSequential: 1 });
	const t = 1_700_000_000_000;
	send.onPacketSent(0, 1000, t);
	recv.receivePacket(0, 0, 1000, 40); // receiver's clock is unrelated
	const sr = send.buildSenderReport(t)!;
	recv.receiveSenderReport(sr.ntpSeconds, sr.ntpFraction, sr.rtpTimestamp, 40 + 40); // 40 ms one way
	const block = recv.getReportBlock(40 + 40 + 5250);
	send.receiveReportBlock(block, t + 40 + 5250 + 40);
	assert.ok(Math.abs(send.rttMs - 80) < 0.1, `rtt ${send.rttMs}`);
});

test('consumer score from receiver reports: 10% loss -> 7, then recovering', () => {
	const s = new RtpStreamSend({ ssrc: 1, clockRate: 90000 });
	let lost = 0;
	let t = 0;
	for (let interval = 0; interval < 5; interval++) {
		for (let i = 0; i < 100; i++) s.onPacketSent(i * 900, 1000, (t += 10));
		lost += 10;
		s.receiveReportBlock(new ReportBlock({ ssrc: 1, cumulativeLost: lost, fractionLost: 25 }), t);
	}
	assert.equal(s.score, 7, '((100 - 10) / 100)^4 * 10 = 6.6');
	assert.equal(s.fractionLost, 25);
	assert.equal(s.packetsLost, 50);
	for (let interval = 0; interval < 24; interval++) {
		for (let i = 0; i < 100; i++) s.onPacketSent(i * 900, 1000, (t += 10));
		s.receiveReportBlock(new ReportBlock({ ssrc: 1, cumulativeLost: lost }), t);
	}
	assert.equal(s.score, 10);
});

test('consumer score: repaired losses count less; no packets sent keeps 10', () => {
	const s = new RtpStreamSend({ ssrc: 1, clockRate: 90000 });
	for (let i = 0; i < 100; i++) s.onPacketSent(i, 1000, i);
	for (let i = 0; i < 10; i++) s.onPacketRetransmitted(1000, true, 100);
	assert.equal(s.packetsRepaired, 10);
	assert.equal(s.packetsRetransmitted, 10);
	s.receiveReportBlock(new ReportBlock({ cumulativeLost: 10 }), 100);
	assert.equal(s.score, 9);
	// Nothing sent since: the sample is 10, and (9 + 2 * 10) / 3 = 9.67 rounds to 10.
	assert.equal(s.receiveReportBlock(new ReportBlock({ cumulativeLost: 10 }), 200), true);
	assert.equal(s.score, 10);
});

test('bitrate and feedback counters', () => {
	const s = new RtpStreamSend({ ssrc: 1, clockRate: 90000 });
	for (let t = 0; t < 1000; t += 10) s.onPacketSent(t * 90, 1250, t);
	assert.equal(s.getBitrate(999), 1000000);
	s.onPacketRetransmitted(1250, true, 999);
	assert.equal(s.getRetransmissionBitrate(999), 10000);
	s.onNackReceived(3);
	s.onKeyFrameRequestReceived('pli');
	s.onKeyFrameRequestReceived('fir');
	assert.deepEqual([s.nackCount, s.nackPacketCount, s.pliCount, s.firCount], [1, 3, 1, 1]);
});
