import {
	FMT_SLI,
	PT_PSFB,
	allocPacket,
	checkFeedback,
	checkPadding,
	readU32,
	writeHeader,
	writeU32,
} from './header';

/** One SLI FCI entry: first lost macroblock (13 bits), number of them (13), picture id (6 low bits). */
export interface SliEntry {
	first: number;
	number: number;
	pictureId: number;
}

export interface SliceLossIndicationInit {
	senderSsrc?: number;
	mediaSsrc?: number;
	entries?: SliEntry[];
	padding?: number;
}

/** Slice Loss Indication, PSFB FMT=2 (RFC 4585 section 6.3.2). */
export class SliceLossIndication {
	readonly kind = 'sli' as const;
	senderSsrc: number;
	mediaSsrc: number;
	entries: SliEntry[];
	padding: number;

	constructor(init: SliceLossIndicationInit = {}) {
		this.senderSsrc = init.senderSsrc ?? 0;
		this.mediaSsrc = init.mediaSsrc ?? 0;
		this.entries = init.entries ?? [];
		this.padding = init.padding ?? 0;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): SliceLossIndication | undefined {
		const padding = checkFeedback(b, offset, length, PT_PSFB, FMT_SLI);
		if (padding < 0) return undefined;
		const fci = length - padding - 12;
		// RFC 4585 6.3.2: at least one FCI entry, each 32 bits.
		if (fci < 4 || (fci & 3) !== 0) return undefined;
		const sli = new SliceLossIndication();
		sli.padding = padding;
		sli.senderSsrc = readU32(b, offset + 4);
		sli.mediaSsrc = readU32(b, offset + 8);
		for (let p = offset + 12; p < offset + 12 + fci; p += 4) {
			const v = readU32(b, p);
			sli.entries.push({ first: v >>> 19, number: (v >>> 6) & 0x1fff, pictureId: v & 0x3f });
		}
		return sli;
	}

	size(): number {
		return 12 + this.entries.length * 4 + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, FMT_SLI, PT_PSFB, size, this.padding);
		writeU32(b, offset + 4, this.senderSsrc);
		writeU32(b, offset + 8, this.mediaSsrc);
		let p = offset + 12;
		for (const e of this.entries) {
			writeU32(b, p, (((e.first & 0x1fff) << 19) | ((e.number & 0x1fff) << 6) | (e.pictureId & 0x3f)) >>> 0);
			p += 4;
		}
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}
}
