import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReportBlock } from '../../../src/proto/rtcp/reportblock';
import { SenderReport } from '../../../src/proto/rtcp/senderreport';
import { ntpMiddle32 } from '../../../src/proto/rtcp/header';
import { randomSenderReport } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng } from './helpers';

// RFC 3550 section 6.4.1, one SR with one report block, built by hand field by field.
const SR_ONE_BLOCK = hex(`
	81 c8 00 0c
	12 34 56 78
	e8 4f 2a 01  80 00 00 00
	00 01 e2 40
	00 00 03 e8
	00 06 1a 80
	ab cd ef 01
	40 ff ff fe
	00 01 00 2a
	00 00 00 1f
	2a 01 80 00
	00 01 80 00
`);

test('SR: RFC 3550 6.4.1 fields, NTP as two 32-bit halves', () => {
	const sr = assertRoundTrip(SenderReport.parse, SR_ONE_BLOCK);
	assert.equal(sr.kind, 'sr');
	assert.equal(sr.ssrc, 0x12345678);
	assert.equal(sr.ntpSeconds, 0xe84f2a01);
	assert.equal(sr.ntpFraction, 0x80000000);
	assert.equal(sr.rtpTimestamp, 123456);
	assert.equal(sr.packetCount, 1000);
	assert.equal(sr.octetCount, 400000);
	assert.equal(sr.reports.length, 1);
	const rb = sr.reports[0];
	assert.equal(rb.ssrc, 0xabcdef01);
	assert.equal(rb.fractionLost, 0x40);
	assert.equal(rb.cumulativeLost, -2, '24-bit signed cumulative loss');
	assert.equal(rb.highestSequenceNumber, 0x1002a);
	assert.equal(rb.jitter, 31);
	assert.equal(rb.lastSr, ntpMiddle32(sr.ntpSeconds, sr.ntpFraction));
	assert.equal(rb.delaySinceLastSr, 0x18000);
	assert.equal(sr.profileExtensions.length, 0);
	assert.equal(sr.padding, 0);
});

test('SR: no blocks, profile extension and padding round-trip', () => {
	assertRoundTrip(SenderReport.parse, hex('80 c8 00 06 00000001 00000002 00000003 00000004 00000005 00000006'));
	// RC=0 with an 8-byte profile-specific extension, then 4 octets of padding (RFC 3550 6.4.1).
	const withExt = hex('a0 c8 00 09 00000001 00000002 00000003 00000004 00000005 00000006 deadbeef cafebabe 00000004');
	const sr = assertRoundTrip(SenderReport.parse, withExt);
	assert.deepEqual(Buffer.from(sr.profileExtensions), hex('deadbeef cafebabe'));
	assert.equal(sr.padding, 4);
});

test('SR: malformed input is refused', () => {
	assertRejectsMalformed(SenderReport.parse, SR_ONE_BLOCK);
	// RC says 2 blocks, only one there.
	const b = Buffer.from(SR_ONE_BLOCK);
	b[0] = 0x82;
	assert.equal(SenderReport.parse(b), undefined);
	// Wrong packet type.
	assert.equal(SenderReport.parse(hex('80 c9 00 06 00000001 00000002 00000003 00000004 00000005 00000006')), undefined);
});

test('SR: cumulative loss clamps to 24-bit signed on write (RFC 3550 A.3)', () => {
	const sr = new SenderReport({ reports: [new ReportBlock({ cumulativeLost: 1e9 }), new ReportBlock({ cumulativeLost: -1e9 })] });
	const back = SenderReport.parse(sr.serialize())!;
	assert.equal(back.reports[0].cumulativeLost, 0x7fffff);
	assert.equal(back.reports[1].cumulativeLost, -0x800000);
});

test('SR: seeded random packets parse back to what built them', () => {
	const rand = prng(200);
	for (let i = 0; i < 500; i++) {
		const sr = randomSenderReport(rand);
		const bytes = sr.serialize();
		assert.deepEqual(SenderReport.parse(bytes), sr);
	}
});

test('SR: more than 31 report blocks cannot be serialized', () => {
	const sr = new SenderReport({ reports: Array.from({ length: 32 }, () => new ReportBlock()) });
	assert.throws(() => sr.serialize(), RangeError);
});
