import {
	FMT_FIR,
	PT_PSFB,
	allocPacket,
	checkFeedback,
	checkPadding,
	readU32,
	writeHeader,
	writeU32,
} from './header';

/** One FIR FCI entry (RFC 5104 section 4.3.1.1): the target SSRC and its command sequence number. */
export interface FirEntry {
	ssrc: number;
	sequenceNumber: number;
}

export interface FullIntraRequestInit {
	senderSsrc?: number;
	mediaSsrc?: number;
	entries?: FirEntry[];
	padding?: number;
}

/**
 * Full Intra Request, PSFB FMT=4 (RFC 5104 section 4.3.1). The media source SSRC "SHALL be set to
 * 0" by senders; the targets are in the FCI. The 24 reserved bits are written as zero.
 */
export class FullIntraRequest {
	readonly kind = 'fir' as const;
	senderSsrc: number;
	mediaSsrc: number;
	entries: FirEntry[];
	padding: number;

	constructor(init: FullIntraRequestInit = {}) {
		this.senderSsrc = init.senderSsrc ?? 0;
		this.mediaSsrc = init.mediaSsrc ?? 0;
		this.entries = init.entries ?? [];
		this.padding = init.padding ?? 0;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): FullIntraRequest | undefined {
		const padding = checkFeedback(b, offset, length, PT_PSFB, FMT_FIR);
		if (padding < 0) return undefined;
		const fci = length - padding - 12;
		// RFC 5104 4.3.1.2: one or more 8-octet FCI entries.
		if (fci < 8 || (fci & 7) !== 0) return undefined;
		const fir = new FullIntraRequest();
		fir.padding = padding;
		fir.senderSsrc = readU32(b, offset + 4);
		fir.mediaSsrc = readU32(b, offset + 8);
		for (let p = offset + 12; p < offset + 12 + fci; p += 8) {
			fir.entries.push({ ssrc: readU32(b, p), sequenceNumber: b[p + 4] });
		}
		return fir;
	}

	size(): number {
		return 12 + this.entries.length * 8 + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, FMT_FIR, PT_PSFB, size, this.padding);
		writeU32(b, offset + 4, this.senderSsrc);
		writeU32(b, offset + 8, this.mediaSsrc);
		let p = offset + 12;
		for (const e of this.entries) {
			writeU32(b, p, e.ssrc);
			writeU32(b, p + 4, (e.sequenceNumber & 0xff) << 24);
			p += 8;
		}
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}
}
