import { ReportBlock } from '../../../src/proto/rtcp/reportblock';
import { SenderReport } from '../../../src/proto/rtcp/senderreport';
import { randBytes, randInt, randU32 } from './helpers';

export function randomReportBlock(rand: () => number): ReportBlock {
	return new ReportBlock({
		ssrc: randU32(rand),
		fractionLost: randInt(rand, 256),
		cumulativeLost: randInt(rand, 0x1000000) - 0x800000,
		highestSequenceNumber: randU32(rand),
		jitter: randU32(rand),
		lastSr: randU32(rand),
		delaySinceLastSr: randU32(rand),
	});
}

export function randomSenderReport(rand: () => number): SenderReport {
	const reports: ReportBlock[] = [];
	for (let i = randInt(rand, 32); i > 0; i--) reports.push(randomReportBlock(rand));
	return new SenderReport({
		ssrc: randU32(rand),
		ntpSeconds: randU32(rand),
		ntpFraction: randU32(rand),
		rtpTimestamp: randU32(rand),
		packetCount: randU32(rand),
		octetCount: randU32(rand),
		reports,
		profileExtensions: rand() < 0.2 ? randBytes(rand, 4 * randInt(rand, 4)) : new Uint8Array(0),
		padding: rand() < 0.2 ? 4 * (1 + randInt(rand, 3)) : 0,
	});
}

