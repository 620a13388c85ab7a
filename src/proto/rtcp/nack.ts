import {
	FMT_NACK,
	PT_RTPFB,
	allocPacket,
	checkFeedback,
	checkPadding,
	readU16,
	readU32,
	writeHeader,
	writeU16,
	writeU32,
} from './header';

/**
 * One generic NACK FCI entry (RFC 4585 section 6.2.1): packet id `pid` is lost, and bit i of the
 * bitmask `blp` (least significant first) says that pid + i + 1 is lost too.
 */
export interface NackEntry {
	pid: number;
	blp: number;
}

export interface GenericNackInit {
	senderSsrc?: number;
	mediaSsrc?: number;
	entries?: NackEntry[];
	padding?: number;
}

/** Generic NACK, RTPFB FMT=1 (RFC 4585 section 6.2.1). */
export class GenericNack {
	readonly kind = 'nack' as const;
	senderSsrc: number;
	mediaSsrc: number;
	entries: NackEntry[];
	padding: number;

	constructor(init: GenericNackInit = {}) {
		this.senderSsrc = init.senderSsrc ?? 0;
		this.mediaSsrc = init.mediaSsrc ?? 0;
		this.entries = init.entries ?? [];
		this.padding = init.padding ?? 0;
	}

	/**
	 * Builds the NACK for a set of lost sequence numbers, in any order, duplicates allowed.
	 * The numbers are ordered along the 16-bit circle starting after its widest empty gap, so a
	 * list that wraps (65534, 65535, 0, 1) is one run, then packed greedily into PID + BLP.
	 */
	static fromSequenceNumbers(senderSsrc: number, mediaSsrc: number, lost: readonly number[]): GenericNack {
		const nack = new GenericNack({ senderSsrc, mediaSsrc });
		const seqs = Array.from(new Set(lost.map((s) => s & 0xffff))).sort((a, c) => a - c);
		const n = seqs.length;
		if (n === 0) return nack;
		let start = 0;
		let widest = seqs[0] + 0x10000 - seqs[n - 1];
		for (let i = 1; i < n; i++) {
			const gap = seqs[i] - seqs[i - 1];
			if (gap > widest) {
				widest = gap;
				start = i;
			}
		}
		let entry: NackEntry | undefined;
		for (let k = 0; k < n; k++) {
			const seq = seqs[(start + k) % n];
			const diff = entry ? (seq - entry.pid) & 0xffff : 0;
			if (entry && diff >= 1 && diff <= 16) {
				entry.blp |= 1 << (diff - 1);
			} else {
				entry = { pid: seq, blp: 0 };
				nack.entries.push(entry);
			}
		}
		return nack;
	}

	/** The lost sequence numbers this NACK lists, in packet order. */
	toSequenceNumbers(): number[] {
		const out: number[] = [];
		for (const { pid, blp } of this.entries) {
			out.push(pid);
			for (let i = 0; i < 16; i++) if (blp & (1 << i)) out.push((pid + i + 1) & 0xffff);
		}
		return out;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): GenericNack | undefined {
		const padding = checkFeedback(b, offset, length, PT_RTPFB, FMT_NACK);
		if (padding < 0) return undefined;
		const fci = length - padding - 12;
		// RFC 4585 6.2.1: one or more 32-bit FCI entries.
		if (fci < 4 || (fci & 3) !== 0) return undefined;
		const nack = new GenericNack();
		nack.padding = padding;
		nack.senderSsrc = readU32(b, offset + 4);
		nack.mediaSsrc = readU32(b, offset + 8);
		for (let p = offset + 12; p < offset + 12 + fci; p += 4) {
			nack.entries.push({ pid: readU16(b, p), blp: readU16(b, p + 2) });
		}
		return nack;
	}

	size(): number {
		return 12 + this.entries.length * 4 + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, FMT_NACK, PT_RTPFB, size, this.padding);
		writeU32(b, offset + 4, this.senderSsrc);
		writeU32(b, offset + 8, this.mediaSsrc);
		let p = offset + 12;
		for (const e of this.entries) {
			writeU16(b, p, e.pid);
			writeU16(b, p + 2, e.blp);
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
