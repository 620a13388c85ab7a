import {
	PT_SDES,
	allocPacket,
	copyBytes,
	checkPacket,
	checkPadding,
	readU32,
	writeHeader,
	writeU32,
} from './header';

/** SDES item types (RFC 3550 section 6.5). */
export const SDES_END = 0;
export const SDES_CNAME = 1;
export const SDES_NAME = 2;
export const SDES_EMAIL = 3;
export const SDES_PHONE = 4;
export const SDES_LOC = 5;
export const SDES_TOOL = 6;
export const SDES_NOTE = 7;
export const SDES_PRIV = 8;

/**
 * One SDES item. The value is kept as bytes so that any packet round-trips exactly; RFC 3550
 * says the text is UTF-8, which `text` decodes.
 */
export class SdesItem {
	type: number;
	data: Uint8Array;

	constructor(type: number, data: Uint8Array) {
		this.type = type;
		this.data = data;
	}

	static fromText(type: number, text: string): SdesItem {
		return new SdesItem(type, new Uint8Array(Buffer.from(text, 'utf8')));
	}

	get text(): string {
		return Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength).toString('utf8');
	}
}

export class SdesChunk {
	ssrc: number;
	items: SdesItem[];

	constructor(ssrc = 0, items: SdesItem[] = []) {
		this.ssrc = ssrc;
		this.items = items;
	}

	/** The first CNAME item's text, if any. */
	get cname(): string | undefined {
		for (const item of this.items) if (item.type === SDES_CNAME) return item.text;
		return undefined;
	}

	/** SSRC + items + the null octet(s) that end the list and pad it to 32 bits (RFC 3550 6.5). */
	size(): number {
		let n = 4;
		for (const item of this.items) n += 2 + item.data.length;
		return (n + 4) & ~3;
	}
}

export interface SourceDescriptionInit {
	chunks?: SdesChunk[];
	padding?: number;
}

/** Source description, PT=202 (RFC 3550 section 6.5). */
export class SourceDescription {
	readonly kind = 'sdes' as const;
	chunks: SdesChunk[];
	padding: number;

	constructor(init: SourceDescriptionInit = {}) {
		this.chunks = init.chunks ?? [];
		this.padding = init.padding ?? 0;
	}

	/** An SDES with one chunk holding one CNAME, the common case. */
	static cname(ssrc: number, cname: string): SourceDescription {
		return new SourceDescription({ chunks: [new SdesChunk(ssrc, [SdesItem.fromText(SDES_CNAME, cname)])] });
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): SourceDescription | undefined {
		const padding = checkPacket(b, offset, length, PT_SDES);
		if (padding < 0) return undefined;
		const sc = b[offset] & 0x1f;
		const end = offset + length - padding;
		const sdes = new SourceDescription();
		sdes.padding = padding;
		let p = offset + 4;
		for (let i = 0; i < sc; i++) {
			if (p + 4 > end) return undefined;
			const chunk = new SdesChunk(readU32(b, p));
			p += 4;
			for (;;) {
				if (p >= end) return undefined;
				const type = b[p];
				if (type === SDES_END) break;
				if (p + 2 > end) return undefined;
				const len = b[p + 1];
				if (p + 2 + len > end) return undefined;
				chunk.items.push(new SdesItem(type, copyBytes(b, p + 2, p + 2 + len)));
				p += 2 + len;
			}
			// The null item, then null octets up to the next 32-bit boundary (RFC 3550 6.5).
			const next = offset + ((p - offset + 4) & ~3);
			if (next > end) return undefined;
			for (; p < next; p++) if (b[p] !== 0) return undefined;
			sdes.chunks.push(chunk);
		}
		if (p !== end) return undefined;
		return sdes;
	}

	size(): number {
		let n = 4;
		for (const chunk of this.chunks) n += chunk.size();
		return n + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		if (this.chunks.length > 31) throw new RangeError('an SDES carries at most 31 chunks');
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, this.chunks.length, PT_SDES, size, this.padding);
		let p = offset + 4;
		for (const chunk of this.chunks) {
			const chunkEnd = p + chunk.size();
			writeU32(b, p, chunk.ssrc);
			p += 4;
			for (const item of chunk.items) {
				if (item.data.length > 255) throw new RangeError('an SDES item holds at most 255 octets');
				if (item.type === SDES_END) throw new RangeError('an SDES item cannot have type 0');
				b[p] = item.type;
				b[p + 1] = item.data.length;
				b.set(item.data, p + 2);
				p += 2 + item.data.length;
			}
			b.fill(0, p, chunkEnd);
			p = chunkEnd;
		}
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}
}
