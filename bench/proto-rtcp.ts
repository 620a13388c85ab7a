// proto/rtcp costs: parse of typical datagrams (SR + SDES, RR + REMB, transport-cc with ~100
// packets), the A.2 validation alone, building and serializing feedback. Prints ns/op (best of
// 5 runs); asserts nothing.
// Run: npx tsc -p . && node dist/bench/proto-rtcp.js

import {
	ReceiverReport,
	Remb,
	ReportBlock,
	SenderReport,
	SourceDescription,
	TransportCcBuilder,
	TransportCcFeedback,
	GenericNack,
	parseCompound,
	serializeCompound,
	validateCompound,
} from '../src/proto/rtcp/index';

function bench(name: string, iterations: number, fn: (i: number) => unknown): void {
	let sink = 0;
	for (let i = 0; i < iterations / 10; i++) if (fn(i)) sink++;
	let best = Infinity;
	for (let run = 0; run < 5; run++) {
		const t0 = process.hrtime.bigint();
		for (let i = 0; i < iterations; i++) if (fn(i)) sink++;
		best = Math.min(best, Number(process.hrtime.bigint() - t0) / iterations);
	}
	console.log(`${name.padEnd(48)} ${best.toFixed(1).padStart(9)} ns/op${sink < 0 ? '!' : ''}`);
}

const block = new ReportBlock({ ssrc: 0x11111111, fractionLost: 3, cumulativeLost: 17, highestSequenceNumber: 0x12345, jitter: 40, lastSr: 0xabcd1234, delaySinceLastSr: 0x8000 });
const srSdes = serializeCompound([
	new SenderReport({ ssrc: 0x22222222, ntpSeconds: 0xe84f2a01, ntpFraction: 0x80000000, rtpTimestamp: 90000, packetCount: 1000, octetCount: 1_000_000, reports: [block] }),
	SourceDescription.cname(0x22222222, '{9c00eb92-1afb-9d49-a47d-91f64eee69f5}'),
]);
const rrRemb = serializeCompound([
	new ReceiverReport({ ssrc: 0x33333333, reports: [block, block] }),
	new Remb({ senderSsrc: 0x33333333, bitrate: 2_500_000, ssrcs: [0x11111111, 0x44444444] }),
]);
const builder = new TransportCcBuilder({ senderSsrc: 1, mediaSsrc: 2, paddingBit: true });
for (let i = 0; i < 100; i++) builder.add(65500 + i, 1_000_000 + i * 1_300 + (i % 7 === 3 ? 70_000 : 0) - (i % 11 === 5 ? 3_000 : 0));
const tccPacket = builder.build();
const tcc = tccPacket.serialize();

console.log(`datagrams: SR+SDES ${srSdes.length} B, RR+REMB ${rrRemb.length} B, transport-cc ${tcc.length} B (${tccPacket.chunks.length} chunks)`);
bench('validateCompound SR+SDES (A.2 only)', 5_000_000, () => validateCompound(srSdes) > 0);
bench('parseCompound SR+SDES', 1_000_000, () => parseCompound(srSdes));
bench('parseCompound RR+REMB', 1_000_000, () => parseCompound(rrRemb));
bench('parseCompound transport-cc, 100 packets (reduced)', 300_000, () => parseCompound(tcc, { allowReducedSize: true }));
bench('TransportCcFeedback.parse + getPacketResults', 200_000, () => TransportCcFeedback.parse(tcc)!.getPacketResults());
bench('TransportCcBuilder 100 add() + build + serialize', 50_000, () => {
	const b = new TransportCcBuilder();
	for (let i = 0; i < 100; i++) b.add(i, 1_000_000 + i * 1_300);
	return b.build().serialize();
});
const rr = new ReceiverReport({ ssrc: 0x33333333, reports: [block] });
const scratch = Buffer.alloc(1500);
bench('ReceiverReport.serializeInto (1 block)', 5_000_000, () => rr.serializeInto(scratch, 0));
const lost = [100, 101, 103, 140, 141, 200];
bench('GenericNack.fromSequenceNumbers(6) + serialize', 1_000_000, () => GenericNack.fromSequenceNumbers(1, 2, lost).serialize());
