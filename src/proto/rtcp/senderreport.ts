import {
	PT_SR,
	allocPacket,
	copyBytes,
	checkPacket,
	checkPadding,
	readU32,
	writeHeader,
	writeU32,
} from './header';
import { REPORT_BLOCK_LENGTH, ReportBlock } from './reportblock';

const SR_FIXED_LENGTH = 28;

export interface SenderReportInit {
	ssrc?: number;
	ntpSeconds?: number;
	ntpFraction?: number;
	rtpTimestamp?: number;
	packetCount?: number;
	octetCount?: number;
	reports?: ReportBlock[];
	profileExtensions?: Uint8Array;
	padding?: number;
}

/**
 * Sender report, PT=200 (RFC 3550 section 6.4.1). The 64-bit NTP timestamp is kept as its two
 * 32-bit halves so the hot path never needs BigInt.
 */
export class SenderReport {
	readonly kind = 'sr' as const;
	ssrc: number;
	ntpSeconds: number;
	ntpFraction: number;
	rtpTimestamp: number;
	packetCount: number;
	octetCount: number;
	reports: ReportBlock[];
	/** Profile-specific extension bytes after the report blocks, kept as they came. */
	profileExtensions: Uint8Array;
	/** Padding octets (RFC 3550 section 6.4.1); 0 = P bit clear. */
	padding: number;

	constructor(init: SenderReportInit = {}) {
		this.ssrc = init.ssrc ?? 0;
		this.ntpSeconds = init.ntpSeconds ?? 0;
		this.ntpFraction = init.ntpFraction ?? 0;
		this.rtpTimestamp = init.rtpTimestamp ?? 0;
		this.packetCount = init.packetCount ?? 0;
		this.octetCount = init.octetCount ?? 0;
		this.reports = init.reports ?? [];
		this.profileExtensions = init.profileExtensions ?? new Uint8Array(0);
		this.padding = init.padding ?? 0;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): SenderReport | undefined {
		const padding = checkPacket(b, offset, length, PT_SR);
		if (padding < 0) return undefined;
		const rc = b[offset] & 0x1f;
		const end = offset + length - padding;
		let p = offset + SR_FIXED_LENGTH;
		if (p + rc * REPORT_BLOCK_LENGTH > end) return undefined;
		const sr = new SenderReport();
		sr.padding = padding;
		sr.ssrc = readU32(b, offset + 4);
		sr.ntpSeconds = readU32(b, offset + 8);
		sr.ntpFraction = readU32(b, offset + 12);
		sr.rtpTimestamp = readU32(b, offset + 16);
		sr.packetCount = readU32(b, offset + 20);
		sr.octetCount = readU32(b, offset + 24);
		for (let i = 0; i < rc; i++, p += REPORT_BLOCK_LENGTH) sr.reports.push(ReportBlock.read(b, p));
		if (p < end) sr.profileExtensions = copyBytes(b, p, end);
		return sr;
	}

	size(): number {
		return SR_FIXED_LENGTH + this.reports.length * REPORT_BLOCK_LENGTH + this.profileExtensions.length + this.padding;
	}

	/** Writes the packet at `offset` and returns the number of bytes written. */
	serializeInto(b: Uint8Array, offset: number): number {
		if (this.reports.length > 31) throw new RangeError('an SR carries at most 31 report blocks');
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, this.reports.length, PT_SR, size, this.padding);
		writeU32(b, offset + 4, this.ssrc);
		writeU32(b, offset + 8, this.ntpSeconds);
		writeU32(b, offset + 12, this.ntpFraction);
		writeU32(b, offset + 16, this.rtpTimestamp);
		writeU32(b, offset + 20, this.packetCount);
		writeU32(b, offset + 24, this.octetCount);
		let p = offset + SR_FIXED_LENGTH;
		for (const block of this.reports) {
			block.writeInto(b, p);
			p += REPORT_BLOCK_LENGTH;
		}
		b.set(this.profileExtensions, p);
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}
}
