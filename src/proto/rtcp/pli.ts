import {
	FMT_PLI,
	PT_PSFB,
	allocPacket,
	checkFeedback,
	checkPadding,
	readU32,
	writeHeader,
	writeU32,
} from './header';

/** Picture Loss Indication, PSFB FMT=1 (RFC 4585 section 6.3.1): no FCI. */
export class PictureLossIndication {
	readonly kind = 'pli' as const;
	senderSsrc: number;
	mediaSsrc: number;
	padding: number;

	constructor(senderSsrc = 0, mediaSsrc = 0, padding = 0) {
		this.senderSsrc = senderSsrc;
		this.mediaSsrc = mediaSsrc;
		this.padding = padding;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): PictureLossIndication | undefined {
		const padding = checkFeedback(b, offset, length, PT_PSFB, FMT_PLI);
		// RFC 4585 6.3.1: "PLI does not require parameters", so the FCI is empty.
		if (padding < 0 || length - padding !== 12) return undefined;
		return new PictureLossIndication(readU32(b, offset + 4), readU32(b, offset + 8), padding);
	}

	size(): number {
		return 12 + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, FMT_PLI, PT_PSFB, size, this.padding);
		writeU32(b, offset + 4, this.senderSsrc);
		writeU32(b, offset + 8, this.mediaSsrc);
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}
}
