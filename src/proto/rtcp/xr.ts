import {
	PT_XR,
	allocPacket,
	copyBytes,
	checkPacket,
	checkPadding,
	readU16,
	readU32,
	writeHeader,
	writeU16,
	writeU32,
} from './header';

/** XR block types handled here (RFC 3611 sections 4.4 and 4.5). */
export const XR_BT_RRTR = 4;
export const XR_BT_DLRR = 5;

/** Receiver Reference Time report block, BT=4 (RFC 3611 section 4.4): an NTP timestamp. */
export class RrtrBlock {
	readonly kind = 'rrtr' as const;
	ntpSeconds: number;
	ntpFraction: number;

	constructor(ntpSeconds = 0, ntpFraction = 0) {
		this.ntpSeconds = ntpSeconds;
		this.ntpFraction = ntpFraction;
	}
}

/** One DLRR sub-block: SSRC, LRR (middle 32 bits of the RRTR's NTP time), DLRR (1/65536 s). */
export interface DlrrItem {
	ssrc: number;
	lastRr: number;
	delaySinceLastRr: number;
}

/** DLRR report block, BT=5 (RFC 3611 section 4.5). */
export class DlrrBlock {
	readonly kind = 'dlrr' as const;
	items: DlrrItem[];

	constructor(items: DlrrItem[] = []) {
		this.items = items;
	}
}

/** Any other report block, kept as its bytes so it round-trips (RFC 3611 section 3). */
export class RawXrBlock {
	readonly kind = 'raw' as const;
	blockType: number;
	typeSpecific: number;
	/** Block contents after the 4-byte block header (a multiple of 4 bytes). */
	data: Uint8Array;

	constructor(blockType = 0, typeSpecific = 0, data: Uint8Array = new Uint8Array(0)) {
		this.blockType = blockType;
		this.typeSpecific = typeSpecific;
		this.data = data;
	}
}

export type XrBlock = RrtrBlock | DlrrBlock | RawXrBlock;

export interface ExtendedReportInit {
	ssrc?: number;
	blocks?: XrBlock[];
	padding?: number;
}

function blockSize(block: XrBlock): number {
	switch (block.kind) {
		case 'rrtr':
			return 12;
		case 'dlrr':
			return 4 + block.items.length * 12;
		case 'raw':
			return 4 + block.data.length;
	}
}

/** Extended report, PT=207 (RFC 3611 section 2): SSRC then a list of report blocks. */
export class ExtendedReport {
	readonly kind = 'xr' as const;
	ssrc: number;
	blocks: XrBlock[];
	padding: number;

	constructor(init: ExtendedReportInit = {}) {
		this.ssrc = init.ssrc ?? 0;
		this.blocks = init.blocks ?? [];
		this.padding = init.padding ?? 0;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): ExtendedReport | undefined {
		const padding = checkPacket(b, offset, length, PT_XR);
		if (padding < 0) return undefined;
		const end = offset + length - padding;
		if (offset + 8 > end) return undefined;
		const xr = new ExtendedReport();
		xr.padding = padding;
		xr.ssrc = readU32(b, offset + 4);
		let p = offset + 8;
		while (p < end) {
			if (p + 4 > end) return undefined;
			const bt = b[p];
			// Block length: 32-bit words minus one, the block header included (RFC 3611 3).
			const words = readU16(b, p + 2);
			const next = p + 4 + words * 4;
			if (next > end) return undefined;
			if (bt === XR_BT_RRTR) {
				if (words !== 2) return undefined;
				xr.blocks.push(new RrtrBlock(readU32(b, p + 4), readU32(b, p + 8)));
			} else if (bt === XR_BT_DLRR) {
				if (words % 3 !== 0) return undefined;
				const dlrr = new DlrrBlock();
				for (let q = p + 4; q < next; q += 12) {
					dlrr.items.push({ ssrc: readU32(b, q), lastRr: readU32(b, q + 4), delaySinceLastRr: readU32(b, q + 8) });
				}
				xr.blocks.push(dlrr);
			} else {
				xr.blocks.push(new RawXrBlock(bt, b[p + 1], copyBytes(b, p + 4, next)));
			}
			p = next;
		}
		return xr;
	}

	size(): number {
		let n = 8;
		for (const block of this.blocks) n += blockSize(block);
		return n + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		checkPadding(this.padding);
		const size = this.size();
		// The 5 bits after P are reserved in XR (RFC 3611 section 2).
		writeHeader(b, offset, 0, PT_XR, size, this.padding);
		writeU32(b, offset + 4, this.ssrc);
		let p = offset + 8;
		for (const block of this.blocks) {
			const n = blockSize(block);
			if ((n & 3) !== 0 || n > 0x40000) throw new RangeError('an XR block is a whole number of 32-bit words');
			b[p + 1] = 0;
			writeU16(b, p + 2, n / 4 - 1);
			switch (block.kind) {
				case 'rrtr':
					b[p] = XR_BT_RRTR;
					writeU32(b, p + 4, block.ntpSeconds);
					writeU32(b, p + 8, block.ntpFraction);
					break;
				case 'dlrr': {
					b[p] = XR_BT_DLRR;
					let q = p + 4;
					for (const item of block.items) {
						writeU32(b, q, item.ssrc);
						writeU32(b, q + 4, item.lastRr);
						writeU32(b, q + 8, item.delaySinceLastRr);
						q += 12;
					}
					break;
				}
				case 'raw':
					b[p] = block.blockType;
					b[p + 1] = block.typeSpecific;
					b.set(block.data, p + 4);
					break;
			}
			p += n;
		}
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}
}
