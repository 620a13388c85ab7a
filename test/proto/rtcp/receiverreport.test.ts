import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReceiverReport } from '../../../src/proto/rtcp/receiverreport';
import { ReportBlock } from '../../../src/proto/rtcp/reportblock';
import { assertRejectsMalformed, assertRoundTrip, hex, prng, randInt, randU32 } from './helpers';
import { randomReportBlock } from './generators';

// The receiver report at the start of a Firefox capture (pion's packet_test.go "realPacket").
const RR_CAPTURED = hex(`
	81 c9 00 07  90 2f 9e 2e
	bc 5e 9a 40  00 00 00 00  00 00 46 e1  00 00 01 11  09 f3 64 32  00 02 4a 79
`);

test('RR: RFC 3550 6.4.2 fields from a captured packet', () => {
	const rr = assertRoundTrip(ReceiverReport.parse, RR_CAPTURED);
	assert.equal(rr.kind, 'rr');
	assert.equal(rr.ssrc, 0x902f9e2e);
	assert.deepEqual(
		rr.reports,
		[new ReportBlock({ ssrc: 0xbc5e9a40, highestSequenceNumber: 0x46e1, jitter: 273, lastSr: 0x9f36432, delaySinceLastSr: 150137 })]
	);
});

test('RR: report block fields at their extremes (RFC 3550 6.4.1)', () => {
	const b = hex('81 c9 00 07 00000001 ffffffff ff 800000 ffffffff ffffffff ffffffff ffffffff');
	const rr = assertRoundTrip(ReceiverReport.parse, b);
	const rb = rr.reports[0];
	assert.equal(rb.fractionLost, 255);
	assert.equal(rb.cumulativeLost, -0x800000);
	assert.equal(rb.highestSequenceNumber, 0xffffffff);
	assert.equal(rb.jitter, 0xffffffff);
	const max = hex('81 c9 00 07 00000001 ffffffff 00 7fffff 00000000 00000000 00000000 00000000');
	assert.equal(assertRoundTrip(ReceiverReport.parse, max).reports[0].cumulativeLost, 0x7fffff);
});

test('RR: empty RR (RC=0) is the smallest valid compound start', () => {
	const rr = assertRoundTrip(ReceiverReport.parse, hex('80 c9 00 01 11223344'));
	assert.equal(rr.ssrc, 0x11223344);
	assert.equal(rr.reports.length, 0);
});

test('RR: malformed input is refused', () => {
	assertRejectsMalformed(ReceiverReport.parse, RR_CAPTURED);
	assert.equal(ReceiverReport.parse(hex('82 c9 00 07 902f9e2e bc5e9a40 00000000 000046e1 00000111 09f36432 00024a79')), undefined);
	assert.equal(ReceiverReport.parse(hex('80 c9 00 00')), undefined, 'no SSRC');
});

test('RR: seeded random packets parse back to what built them', () => {
	const rand = prng(201);
	for (let i = 0; i < 500; i++) {
		const reports: ReportBlock[] = [];
		for (let n = randInt(rand, 32); n > 0; n--) reports.push(randomReportBlock(rand));
		const rr = new ReceiverReport({ ssrc: randU32(rand), reports, padding: rand() < 0.2 ? 4 : 0 });
		assert.deepEqual(ReceiverReport.parse(rr.serialize()), rr);
	}
});
