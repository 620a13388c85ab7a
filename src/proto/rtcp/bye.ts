import {
	PT_BYE,
	allocPacket,
	copyBytes,
	checkPacket,
	checkPadding,
	readU32,
	writeHeader,
	writeU32,
} from './header';

export interface GoodbyeInit {
	ssrcs?: number[];
	reason?: Uint8Array | null;
	padding?: number;
}

/** Goodbye, PT=203 (RFC 3550 section 6.6): SSRC/CSRC list and an optional reason. */
export class Goodbye {
	readonly kind = 'bye' as const;
	ssrcs: number[];
	/** Reason for leaving (UTF-8 bytes), or null when the packet has none. */
	reason: Uint8Array | null;
	padding: number;

	constructor(init: GoodbyeInit = {}) {
		this.ssrcs = init.ssrcs ?? [];
		this.reason = init.reason ?? null;
		this.padding = init.padding ?? 0;
	}

	get reasonText(): string | undefined {
		const r = this.reason;
		return r ? Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString('utf8') : undefined;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): Goodbye | undefined {
		const padding = checkPacket(b, offset, length, PT_BYE);
		if (padding < 0) return undefined;
		const sc = b[offset] & 0x1f;
		const end = offset + length - padding;
		let p = offset + 4;
		if (p + sc * 4 > end) return undefined;
		const bye = new Goodbye();
		bye.padding = padding;
		for (let i = 0; i < sc; i++, p += 4) bye.ssrcs.push(readU32(b, p));
		if (p < end) {
			const len = b[p];
			if (p + 1 + len > end) return undefined;
			bye.reason = copyBytes(b, p + 1, p + 1 + len);
			// Only the zero octets that pad the reason to 32 bits may follow (RFC 3550 6.6).
			if (end - (p + 1 + len) > 3) return undefined;
		}
		return bye;
	}

	size(): number {
		const n = 4 + this.ssrcs.length * 4;
		return (this.reason ? (n + 1 + this.reason.length + 3) & ~3 : n) + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		if (this.ssrcs.length > 31) throw new RangeError('a BYE carries at most 31 SSRCs');
		if (this.reason && this.reason.length > 255) throw new RangeError('a BYE reason holds at most 255 octets');
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, this.ssrcs.length, PT_BYE, size, this.padding);
		let p = offset + 4;
		for (const ssrc of this.ssrcs) {
			writeU32(b, p, ssrc);
			p += 4;
		}
		if (this.reason) {
			b[p] = this.reason.length;
			b.set(this.reason, p + 1);
			p += 1 + this.reason.length;
			b.fill(0, p, offset + size - this.padding);
		}
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}
}
