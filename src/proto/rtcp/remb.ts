import {
	FMT_AFB,
	PT_PSFB,
	allocPacket,
	checkFeedback,
	checkPadding,
	readU32,
	writeHeader,
	writeU32,
} from './header';

/** 'REMB' in ASCII: the unique identifier of draft-alvestrand-rmcat-remb section 2.2. */
const REMB_ID = 0x52454d42;
const MAX_MANTISSA = 0x3ffff;

export interface RembInit {
	senderSsrc?: number;
	mediaSsrc?: number;
	bitrate?: number;
	ssrcs?: number[];
	padding?: number;
}

/**
 * Receiver Estimated Maximum Bitrate, PSFB FMT=15 (application layer feedback) with the 'REMB'
 * identifier (draft-alvestrand-rmcat-remb-03 section 2.2). The bitrate travels as an 18-bit
 * mantissa and a 6-bit exponent: bps = mantissa * 2^exp.
 */
export class Remb {
	readonly kind = 'remb' as const;
	senderSsrc: number;
	/** The draft says the media source SSRC is always 0. */
	mediaSsrc: number;
	/** Bits per second. Serialization rounds down to what mantissa/exponent can say. */
	bitrate: number;
	ssrcs: number[];
	padding: number;

	constructor(init: RembInit = {}) {
		this.senderSsrc = init.senderSsrc ?? 0;
		this.mediaSsrc = init.mediaSsrc ?? 0;
		this.bitrate = init.bitrate ?? 0;
		this.ssrcs = init.ssrcs ?? [];
		this.padding = init.padding ?? 0;
	}

	/** True when the PSFB FMT=15 packet at `offset` carries the 'REMB' identifier. */
	static isRemb(b: Uint8Array, offset: number, length: number): boolean {
		return length >= 16 && readU32(b, offset + 12) === REMB_ID;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): Remb | undefined {
		const padding = checkFeedback(b, offset, length, PT_PSFB, FMT_AFB);
		if (padding < 0) return undefined;
		const body = length - padding;
		if (body < 20 || readU32(b, offset + 12) !== REMB_ID) return undefined;
		const numSsrc = b[offset + 16];
		// The FCI is exactly the identifier, the bitrate word and the SSRC list.
		if (body !== 20 + numSsrc * 4) return undefined;
		const remb = new Remb();
		remb.padding = padding;
		remb.senderSsrc = readU32(b, offset + 4);
		remb.mediaSsrc = readU32(b, offset + 8);
		const exp = b[offset + 17] >>> 2;
		const mantissa = ((b[offset + 17] & 3) << 16) | (b[offset + 18] << 8) | b[offset + 19];
		remb.bitrate = mantissa * 2 ** exp;
		for (let i = 0, p = offset + 20; i < numSsrc; i++, p += 4) remb.ssrcs.push(readU32(b, p));
		return remb;
	}

	size(): number {
		return 20 + this.ssrcs.length * 4 + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		if (this.ssrcs.length > 255) throw new RangeError('a REMB lists at most 255 SSRCs');
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, FMT_AFB, PT_PSFB, size, this.padding);
		writeU32(b, offset + 4, this.senderSsrc);
		writeU32(b, offset + 8, this.mediaSsrc);
		writeU32(b, offset + 12, REMB_ID);
		const [mantissa, exp] = encodeRembBitrate(this.bitrate);
		b[offset + 16] = this.ssrcs.length;
		b[offset + 17] = (exp << 2) | (mantissa >>> 16);
		b[offset + 18] = mantissa >>> 8;
		b[offset + 19] = mantissa;
		let p = offset + 20;
		for (const ssrc of this.ssrcs) {
			writeU32(b, p, ssrc);
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

/**
 * Splits a bitrate into (18-bit mantissa, 6-bit exponent) with the smallest exponent that fits,
 * rounding down, so the receiver is never told more than was estimated. Plain arithmetic rather
 * than shifts: bitrates above 2^32 are valid (the exponent reaches 63).
 */
export function encodeRembBitrate(bitrate: number): [number, number] {
	if (!(bitrate >= 0) || !Number.isFinite(bitrate)) throw new RangeError(`invalid REMB bitrate ${bitrate}`);
	let mantissa = Math.floor(bitrate);
	let exp = 0;
	while (mantissa > MAX_MANTISSA) {
		mantissa = Math.floor(mantissa / 2);
		exp++;
	}
	if (exp > 63) throw new RangeError(`REMB bitrate ${bitrate} too large`);
	return [mantissa, exp];
}
