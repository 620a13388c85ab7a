import { ReportBlock } from '../../../src/proto/rtcp/reportblock';
import { SenderReport } from '../../../src/proto/rtcp/senderreport';
import { ApplicationDefined } from '../../../src/proto/rtcp/app';
import { Goodbye } from '../../../src/proto/rtcp/bye';
import { RawRtcpPacket, RtcpPacket } from '../../../src/proto/rtcp/compound';
import { FullIntraRequest } from '../../../src/proto/rtcp/fir';
import { GenericNack } from '../../../src/proto/rtcp/nack';
import { PictureLossIndication } from '../../../src/proto/rtcp/pli';
import { ReceiverReport } from '../../../src/proto/rtcp/receiverreport';
import { Remb } from '../../../src/proto/rtcp/remb';
import { SdesChunk, SdesItem, SourceDescription } from '../../../src/proto/rtcp/sdes';
import { SliceLossIndication } from '../../../src/proto/rtcp/sli';
import { TCC_LOST, TransportCcFeedback, buildTransportCc } from '../../../src/proto/rtcp/transportcc';
import { DlrrBlock, ExtendedReport, RawXrBlock, RrtrBlock, XrBlock } from '../../../src/proto/rtcp/xr';
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


function randPadding(rand: () => number): number {
	return rand() < 0.15 ? 4 * (1 + randInt(rand, 3)) : 0;
}

export function randomReceiverReport(rand: () => number): ReceiverReport {
	const reports: ReportBlock[] = [];
	for (let i = randInt(rand, 32); i > 0; i--) reports.push(randomReportBlock(rand));
	return new ReceiverReport({ ssrc: randU32(rand), reports, padding: randPadding(rand) });
}

export function randomSdes(rand: () => number): SourceDescription {
	const chunks: SdesChunk[] = [];
	for (let i = randInt(rand, 5); i > 0; i--) {
		const items: SdesItem[] = [];
		for (let n = randInt(rand, 4); n > 0; n--) items.push(new SdesItem(1 + randInt(rand, 8), randBytes(rand, randInt(rand, 40))));
		chunks.push(new SdesChunk(randU32(rand), items));
	}
	return new SourceDescription({ chunks, padding: randPadding(rand) });
}

export function randomBye(rand: () => number): Goodbye {
	const ssrcs: number[] = [];
	for (let i = randInt(rand, 6); i > 0; i--) ssrcs.push(randU32(rand));
	const reason = rand() < 0.5 ? randBytes(rand, randInt(rand, 30)) : null;
	return new Goodbye({ ssrcs, reason, padding: randPadding(rand) });
}

export function randomApp(rand: () => number): ApplicationDefined {
	const name = String.fromCharCode(...randBytes(rand, 4));
	return new ApplicationDefined({
		subtype: randInt(rand, 32),
		ssrc: randU32(rand),
		name,
		data: randBytes(rand, 4 * randInt(rand, 5)),
		padding: randPadding(rand),
	});
}

export function randomNack(rand: () => number): GenericNack {
	const entries = [];
	for (let i = 1 + randInt(rand, 5); i > 0; i--) entries.push({ pid: randInt(rand, 0x10000), blp: randInt(rand, 0x10000) });
	return new GenericNack({ senderSsrc: randU32(rand), mediaSsrc: randU32(rand), entries, padding: randPadding(rand) });
}

export function randomPli(rand: () => number): PictureLossIndication {
	return new PictureLossIndication(randU32(rand), randU32(rand), randPadding(rand));
}

export function randomSli(rand: () => number): SliceLossIndication {
	const entries = [];
	for (let i = 1 + randInt(rand, 4); i > 0; i--) {
		entries.push({ first: randInt(rand, 0x2000), number: randInt(rand, 0x2000), pictureId: randInt(rand, 64) });
	}
	return new SliceLossIndication({ senderSsrc: randU32(rand), mediaSsrc: randU32(rand), entries, padding: randPadding(rand) });
}

export function randomFir(rand: () => number): FullIntraRequest {
	const entries = [];
	for (let i = 1 + randInt(rand, 4); i > 0; i--) entries.push({ ssrc: randU32(rand), sequenceNumber: randInt(rand, 256) });
	return new FullIntraRequest({ senderSsrc: randU32(rand), mediaSsrc: 0, entries, padding: randPadding(rand) });
}

/** A bitrate that mantissa/exponent can say exactly. */
export function randomRembBitrate(rand: () => number): number {
	return randInt(rand, 0x40000) * 2 ** randInt(rand, 40);
}

export function randomRemb(rand: () => number): Remb {
	const ssrcs: number[] = [];
	for (let i = randInt(rand, 5); i > 0; i--) ssrcs.push(randU32(rand));
	return new Remb({ senderSsrc: randU32(rand), mediaSsrc: 0, bitrate: randomRembBitrate(rand), ssrcs, padding: randPadding(rand) });
}

export function randomXr(rand: () => number): ExtendedReport {
	const blocks: XrBlock[] = [];
	for (let i = randInt(rand, 4); i > 0; i--) {
		const k = randInt(rand, 3);
		if (k === 0) blocks.push(new RrtrBlock(randU32(rand), randU32(rand)));
		else if (k === 1) {
			const items = [];
			for (let n = randInt(rand, 3); n > 0; n--) items.push({ ssrc: randU32(rand), lastRr: randU32(rand), delaySinceLastRr: randU32(rand) });
			blocks.push(new DlrrBlock(items));
		} else {
			// Any type but 4 and 5, e.g. BT=6 statistics summary or 7 VoIP metrics (RFC 3611 4.6, 4.7).
			blocks.push(new RawXrBlock(6 + randInt(rand, 200), randInt(rand, 256), randBytes(rand, 4 * randInt(rand, 8))));
		}
	}
	return new ExtendedReport({ ssrc: randU32(rand), blocks, padding: randPadding(rand) });
}

/** Random (seq, arrival) pairs in sequence order: losses, bursts, reordering jitter, wraparound. */
export function randomTccPairs(rand: () => number, n: number): { sequenceNumber: number; arrivalUs: number }[] {
	const out = [];
	let seq = randInt(rand, 0x10000);
	let t = randInt(rand, 1e9) * 250;
	for (let i = 0; i < n; i++) {
		const r = rand();
		// Mostly small steps, sometimes a big gap or a negative one (reordered arrival).
		const step = r < 0.8 ? randInt(rand, 256) : r < 0.95 ? randInt(rand, 20000) : -randInt(rand, 2000);
		t = Math.max(0, t + step * 250);
		out.push({ sequenceNumber: seq, arrivalUs: rand() < 0.15 ? TCC_LOST : t });
		seq = (seq + 1 + (rand() < 0.1 ? randInt(rand, 30) : 0)) & 0xffff;
	}
	return out;
}

export function randomTransportCc(rand: () => number): TransportCcFeedback {
	const pairs = randomTccPairs(rand, 1 + randInt(rand, 60));
	const fbs = buildTransportCc(pairs, {
		senderSsrc: randU32(rand),
		mediaSsrc: randU32(rand),
		feedbackPacketCount: randInt(rand, 256),
		paddingBit: rand() < 0.5,
	});
	return fbs[0];
}

export function randomRaw(rand: () => number): RawRtcpPacket {
	// Packet types this module does not model: RTPFB TMMBR (fmt 3), PSFB RPSI (fmt 3), PT 195.
	const kinds: [number, number][] = [[205, 3], [206, 3], [195, 0], [206, 15]];
	const [pt, count] = kinds[randInt(rand, kinds.length)];
	// PSFB AFB without 'REMB' stays raw; make sure it does not start with the identifier.
	const body = randBytes(rand, 4 * (2 + randInt(rand, 4)));
	if (pt === 206 && count === 15) body[8] = 0;
	return new RawRtcpPacket(pt, count, body, randPadding(rand));
}

const ALL = [
	randomSenderReport,
	randomReceiverReport,
	randomSdes,
	randomBye,
	randomApp,
	randomNack,
	randomPli,
	randomSli,
	randomFir,
	randomRemb,
	randomXr,
	randomTransportCc,
	randomRaw,
];

export function randomPacket(rand: () => number): RtcpPacket {
	return ALL[randInt(rand, ALL.length)](rand);
}

/** A valid compound: SR or RR first (RFC 3550 6.1), padding only on the last packet. */
export function randomCompound(rand: () => number): RtcpPacket[] {
	const packets: RtcpPacket[] = [rand() < 0.5 ? randomSenderReport(rand) : randomReceiverReport(rand)];
	for (let i = randInt(rand, 5); i > 0; i--) packets.push(randomPacket(rand));
	for (let i = 0; i < packets.length - 1; i++) packets[i].padding = 0;
	return packets;
}
