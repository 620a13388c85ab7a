import {
	PT_RR,
	allocPacket,
	copyBytes,
	checkPacket,
	checkPadding,
	readU32,
	writeHeader,
	writeU32,
} from './header';
import { REPORT_BLOCK_LENGTH, ReportBlock } from './reportblock';

const RR_FIXED_LENGTH = 8;

export interface ReceiverReportInit {
	ssrc?: number;
	reports?: ReportBlock[];
	profileExtensions?: Uint8Array;
	padding?: number;
}

/** Receiver report, PT=201 (RFC 3550 section 6.4.2). */
export class ReceiverReport {
	readonly kind = 'rr' as const;
	ssrc: number;
	reports: ReportBlock[];
	/** Profile-specific extension bytes after the report blocks, kept as they came. */
	profileExtensions: Uint8Array;
	padding: number;

	constructor(init: ReceiverReportInit = {}) {
		this.ssrc = init.ssrc ?? 0;
		this.reports = init.reports ?? [];
		this.profileExtensions = init.profileExtensions ?? new Uint8Array(0);
		this.padding = init.padding ?? 0;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): ReceiverReport | undefined {
		const padding = checkPacket(b, offset, length, PT_RR);
		if (padding < 0) return undefined;
		const rc = b[offset] & 0x1f;
		const end = offset + length - padding;
		let p = offset + RR_FIXED_LENGTH;
		if (p + rc * REPORT_BLOCK_LENGTH > end) return undefined;
		const rr = new ReceiverReport();
		rr.padding = padding;
		rr.ssrc = readU32(b, offset + 4);
		for (let i = 0; i < rc; i++, p += REPORT_BLOCK_LENGTH) rr.reports.push(ReportBlock.read(b, p));
		if (p < end) rr.profileExtensions = copyBytes(b, p, end);
		return rr;
	}

	size(): number {
		return RR_FIXED_LENGTH + this.reports.length * REPORT_BLOCK_LENGTH + this.profileExtensions.length + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		if (this.reports.length > 31) throw new RangeError('an RR carries at most 31 report blocks');
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, this.reports.length, PT_RR, size, this.padding);
		writeU32(b, offset + 4, this.ssrc);
		let p = offset + RR_FIXED_LENGTH;
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
