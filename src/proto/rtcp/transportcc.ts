import {
	FMT_TRANSPORT_CC,
	PT_RTPFB,
	allocPacket,
	checkFeedback,
	checkPadding,
	readU16,
	readU32,
	writeHeader,
	writeU16,
	writeU24,
	writeU32,
} from './header';

/*
 * Transport-wide congestion control feedback, RTPFB FMT=15
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1).
 *
 * After the feedback header: base sequence number (16), packet status count (16), reference time
 * (24-bit signed, multiples of 64 ms), feedback packet count (8), then packet status chunks
 * (16 bits each), then one receive delta per received packet (1 byte unsigned for a "small delta"
 * symbol, 2 bytes signed for a "large or negative delta" symbol; units of 250 us), then zero
 * padding up to 32 bits.
 */

/** Packet status symbols (section 3.1.1). 3 is reserved. */
export const TCC_NOT_RECEIVED = 0;
export const TCC_SMALL_DELTA = 1;
export const TCC_LARGE_DELTA = 2;

/** Pass as the arrival time to say "not received". */
export const TCC_LOST = -1;

/** Microseconds per reference-time unit (64 ms) and per delta tick (250 us). */
export const TCC_REFERENCE_TIME_US = 64000;
export const TCC_DELTA_TICK_US = 250;

const TCC_FIXED_LENGTH = 20;
const MAX_RUN_LENGTH = 0x1fff;
const MAX_STATUS_COUNT = 0xffff;

/** One packet's fate as a feedback reports it. */
export interface TransportCcPacketResult {
	sequenceNumber: number;
	received: boolean;
	/** referenceTime * 64 ms + the sum of deltas so far, in microseconds (0 when not received). */
	arrivalUs: number;
}

export interface TransportCcFeedbackInit {
	senderSsrc?: number;
	mediaSsrc?: number;
	baseSequenceNumber?: number;
	packetStatusCount?: number;
	referenceTime?: number;
	feedbackPacketCount?: number;
	chunks?: number[];
	deltas?: number[];
	padding?: number;
}

/** How many symbols a status chunk word holds (section 3.1.3, 3.1.4). */
function chunkCapacity(chunk: number): number {
	if ((chunk & 0x8000) === 0) return chunk & MAX_RUN_LENGTH;
	return (chunk & 0x4000) === 0 ? 14 : 7;
}

/** The i-th symbol of a status chunk word. */
function chunkSymbol(chunk: number, i: number): number {
	if ((chunk & 0x8000) === 0) return (chunk >>> 13) & 3;
	if ((chunk & 0x4000) === 0) return (chunk >>> (13 - i)) & 1;
	return (chunk >>> (12 - 2 * i)) & 3;
}

/**
 * A transport-cc feedback packet kept as it is on the wire (chunk words and deltas in ticks), so
 * that parse then serialize gives back the same bytes whatever chunking the sender chose.
 * `getPacketResults()` turns it into per-packet arrival times; `TransportCcBuilder` makes one.
 */
export class TransportCcFeedback {
	readonly kind = 'transport-cc' as const;
	senderSsrc: number;
	mediaSsrc: number;
	baseSequenceNumber: number;
	packetStatusCount: number;
	/** Signed, in units of 64 ms. */
	referenceTime: number;
	feedbackPacketCount: number;
	/** Packet status chunks, one 16-bit word each. */
	chunks: number[];
	/** Receive deltas in 250 us ticks, one per received packet in sequence order. */
	deltas: number[];
	/** Octets of RTCP padding (P bit, as libwebrtc sends); 0 = plain zero padding, as in the draft. */
	padding: number;

	constructor(init: TransportCcFeedbackInit = {}) {
		this.senderSsrc = init.senderSsrc ?? 0;
		this.mediaSsrc = init.mediaSsrc ?? 0;
		this.baseSequenceNumber = init.baseSequenceNumber ?? 0;
		this.packetStatusCount = init.packetStatusCount ?? 0;
		this.referenceTime = init.referenceTime ?? 0;
		this.feedbackPacketCount = init.feedbackPacketCount ?? 0;
		this.chunks = init.chunks ?? [];
		this.deltas = init.deltas ?? [];
		this.padding = init.padding ?? 0;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): TransportCcFeedback | undefined {
		const padding = checkFeedback(b, offset, length, PT_RTPFB, FMT_TRANSPORT_CC);
		if (padding < 0) return undefined;
		const end = offset + length - padding;
		if (offset + TCC_FIXED_LENGTH > end) return undefined;
		const count = readU16(b, offset + 14);
		// libwebrtc refuses empty feedback too: there is nothing to report.
		if (count === 0) return undefined;
		const fb = new TransportCcFeedback();
		fb.padding = padding;
		fb.senderSsrc = readU32(b, offset + 4);
		fb.mediaSsrc = readU32(b, offset + 8);
		fb.baseSequenceNumber = readU16(b, offset + 12);
		fb.packetStatusCount = count;
		fb.referenceTime = ((b[offset + 16] << 24) | (b[offset + 17] << 16) | (b[offset + 18] << 8)) >> 8;
		fb.feedbackPacketCount = b[offset + 19];
		// Chunks until they cover the status count; the last one may hold unused symbols.
		let p = offset + TCC_FIXED_LENGTH;
		let seen = 0;
		let deltaBytes = 0;
		while (seen < count) {
			if (p + 2 > end) return undefined;
			const chunk = readU16(b, p);
			p += 2;
			const capacity = chunkCapacity(chunk);
			const n = Math.min(capacity, count - seen);
			if ((chunk & 0x8000) === 0) {
				// A run of the reserved symbol is invalid; an empty run is allowed but says nothing.
				const symbol = (chunk >>> 13) & 3;
				if (symbol === 3 && n > 0) return undefined;
				deltaBytes += symbol * n;
			} else {
				for (let i = 0; i < n; i++) {
					const symbol = chunkSymbol(chunk, i);
					if (symbol === 3) return undefined;
					deltaBytes += symbol;
				}
			}
			seen += n;
			fb.chunks.push(chunk);
		}
		// Deltas, then at most 3 octets of zero padding to reach 32 bits.
		const slack = end - p - deltaBytes;
		if (slack < 0 || slack > 3) return undefined;
		seen = 0;
		for (const chunk of fb.chunks) {
			const n = Math.min(chunkCapacity(chunk), count - seen);
			for (let i = 0; i < n; i++) {
				const symbol = chunkSymbol(chunk, i);
				if (symbol === TCC_SMALL_DELTA) {
					fb.deltas.push(b[p]);
					p += 1;
				} else if (symbol === TCC_LARGE_DELTA) {
					fb.deltas.push(((b[p] << 24) | (b[p + 1] << 16)) >> 16);
					p += 2;
				}
			}
			seen += n;
		}
		return fb;
	}

	/** Bytes of receive deltas the chunks call for. */
	private deltaBytes(): number {
		let bytes = 0;
		let seen = 0;
		for (const chunk of this.chunks) {
			const n = Math.min(chunkCapacity(chunk), this.packetStatusCount - seen);
			if ((chunk & 0x8000) === 0) bytes += ((chunk >>> 13) & 3) * n;
			else for (let i = 0; i < n; i++) bytes += chunkSymbol(chunk, i);
			seen += n;
		}
		return bytes;
	}

	size(): number {
		return (TCC_FIXED_LENGTH + this.chunks.length * 2 + this.deltaBytes() + this.padding + 3) & ~3;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, FMT_TRANSPORT_CC, PT_RTPFB, size, this.padding);
		writeU32(b, offset + 4, this.senderSsrc);
		writeU32(b, offset + 8, this.mediaSsrc);
		writeU16(b, offset + 12, this.baseSequenceNumber);
		writeU16(b, offset + 14, this.packetStatusCount);
		writeU24(b, offset + 16, this.referenceTime);
		b[offset + 19] = this.feedbackPacketCount;
		let p = offset + TCC_FIXED_LENGTH;
		for (const chunk of this.chunks) {
			writeU16(b, p, chunk);
			p += 2;
		}
		let seen = 0;
		let d = 0;
		for (const chunk of this.chunks) {
			const n = Math.min(chunkCapacity(chunk), this.packetStatusCount - seen);
			for (let i = 0; i < n; i++) {
				const symbol = chunkSymbol(chunk, i);
				if (symbol === TCC_NOT_RECEIVED) continue;
				const delta = this.deltas[d++];
				if (symbol === TCC_SMALL_DELTA) {
					if (!(delta >= 0 && delta <= 0xff)) throw new RangeError(`small delta ${delta} out of range`);
					b[p++] = delta;
				} else {
					if (!(delta >= -0x8000 && delta <= 0x7fff)) throw new RangeError(`large delta ${delta} out of range`);
					writeU16(b, p, delta);
					p += 2;
				}
			}
			seen += n;
		}
		if (seen < this.packetStatusCount || d !== this.deltas.length) {
			throw new RangeError('transport-cc chunks and deltas do not match the status count');
		}
		b.fill(0, p, offset + size - this.padding);
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}

	/**
	 * Per-packet results, in sequence order. Arrival times are referenceTime * 64 ms plus the
	 * running sum of deltas (section 3.1.5: the first delta is relative to the reference time,
	 * each next one to the previous received packet).
	 */
	getPacketResults(): TransportCcPacketResult[] {
		const out: TransportCcPacketResult[] = [];
		let ticks = 0;
		let seen = 0;
		let d = 0;
		const base = this.referenceTime * TCC_REFERENCE_TIME_US;
		for (const chunk of this.chunks) {
			const n = Math.min(chunkCapacity(chunk), this.packetStatusCount - seen);
			for (let i = 0; i < n; i++) {
				const symbol = chunkSymbol(chunk, i);
				const sequenceNumber = (this.baseSequenceNumber + seen + i) & 0xffff;
				if (symbol === TCC_NOT_RECEIVED) {
					out.push({ sequenceNumber, received: false, arrivalUs: 0 });
				} else {
					ticks += this.deltas[d++];
					out.push({ sequenceNumber, received: true, arrivalUs: base + ticks * TCC_DELTA_TICK_US });
				}
			}
			seen += n;
		}
		return out;
	}
}

export interface TransportCcBuilderInit {
	senderSsrc?: number;
	mediaSsrc?: number;
	feedbackPacketCount?: number;
	/** Largest packet to produce, in bytes (default 1200, well under a typical MTU). */
	maxSize?: number;
	/** Pad with the RTCP P bit as libwebrtc does (default: plain zero padding, as the draft shows). */
	paddingBit?: boolean;
}

/**
 * Builds one transport-cc feedback from (sequence number, arrival time) pairs given in sequence
 * order. Missing sequence numbers become "not received". `add()` returns false, leaving the
 * builder unchanged, when the pair cannot go in this packet (full, delta out of range, sequence
 * number not newer); the caller then builds and starts a new packet with that pair.
 *
 * Chunks are chosen as packets arrive: a run of equal symbols stays a run-length chunk (up to
 * 8191), mixed symbols go in a 14 x 1-bit vector, or a 7 x 2-bit vector once a large delta
 * shows up. The pending symbols always fit one chunk, so the size is known exactly at each step.
 */
export class TransportCcBuilder {
	senderSsrc: number;
	mediaSsrc: number;
	feedbackPacketCount: number;
	maxSize: number;
	paddingBit: boolean;

	private baseSeq = -1;
	private lastSeq = -1;
	private statusCount = 0;
	private referenceTime = 0;
	private hasReference = false;
	private lastTick = 0;
	private readonly chunks: number[] = [];
	private readonly deltas: number[] = [];
	private deltaBytes = 0;
	// Pending symbols, not yet in `chunks`: `pendCount` of them; when `pendEqual` they are all
	// `pendSyms[0]` (and may be more than 14); otherwise they sit in `pendSyms` and fit a vector.
	private readonly pendSyms = new Uint8Array(16);
	private readonly savedSyms = new Uint8Array(16);
	private pendCount = 0;
	private pendEqual = true;
	private pendLarge = false;

	constructor(init: TransportCcBuilderInit = {}) {
		this.senderSsrc = init.senderSsrc ?? 0;
		this.mediaSsrc = init.mediaSsrc ?? 0;
		this.feedbackPacketCount = init.feedbackPacketCount ?? 0;
		this.maxSize = init.maxSize ?? 1200;
		this.paddingBit = init.paddingBit ?? false;
		if (this.maxSize < 24) throw new RangeError('transport-cc maxSize must be at least 24');
	}

	/** Number of sequence numbers covered so far (the packet status count). */
	get packetStatusCount(): number {
		return this.statusCount;
	}

	get isEmpty(): boolean {
		return this.statusCount === 0;
	}

	/** Size in bytes the packet would have if built now. */
	size(): number {
		const body = TCC_FIXED_LENGTH + 2 * (this.chunks.length + (this.pendCount > 0 ? 1 : 0)) + this.deltaBytes;
		return (body + 3) & ~3;
	}

	/**
	 * Adds a packet: `arrivalUs` is its arrival time in microseconds (any origin, >= 0), or
	 * TCC_LOST. Returns false (and changes nothing) when it does not fit this feedback.
	 */
	add(sequenceNumber: number, arrivalUs: number): boolean {
		const seq = sequenceNumber & 0xffff;
		if (Number.isNaN(arrivalUs)) return false;
		const received = arrivalUs >= 0;
		if (received && !Number.isFinite(arrivalUs)) return false;
		let gap = 0;
		if (this.baseSeq >= 0) {
			const diff = (seq - this.lastSeq) & 0xffff;
			// Not newer (duplicate or reordered); the caller reports it in a later feedback, if at all.
			if (diff === 0 || diff >= 0x8000) return false;
			gap = diff - 1;
			if (this.statusCount + diff > MAX_STATUS_COUNT) return false;
		}
		let symbol = TCC_NOT_RECEIVED;
		let delta = 0;
		let tick = 0;
		let reference = this.referenceTime;
		if (received) {
			tick = Math.floor(arrivalUs / TCC_DELTA_TICK_US);
			// The first received packet fixes the reference time, so its delta is 0..255 ticks.
			if (!this.hasReference) reference = Math.floor(tick / 256);
			delta = tick - (this.hasReference ? this.lastTick : reference * 256);
			if (delta >= 0 && delta <= 0xff) symbol = TCC_SMALL_DELTA;
			else if (delta >= -0x8000 && delta <= 0x7fff) symbol = TCC_LARGE_DELTA;
			else return false;
		}
		// Far from maxSize (every chunk emitted covers at least 7 symbols, plus one closing a long
		// run and two for the mixed symbols already pending), just add; near it, try and
		// undo if the packet grows too big.
		const worst = this.size() + 2 * (Math.ceil((gap + 1) / 7) + 4) + 2 + 3;
		if (worst <= this.maxSize) {
			for (let i = 0; i < gap; i++) this.pushSymbol(TCC_NOT_RECEIVED);
			this.pushSymbol(symbol);
			this.commit(seq, gap, received, reference, tick, delta, symbol);
			return true;
		}
		const savedChunks = this.chunks.length;
		this.savedSyms.set(this.pendSyms);
		const savedCount = this.pendCount;
		const savedEqual = this.pendEqual;
		const savedLarge = this.pendLarge;
		for (let i = 0; i < gap; i++) this.pushSymbol(TCC_NOT_RECEIVED);
		this.pushSymbol(symbol);
		const extra = symbol === TCC_NOT_RECEIVED ? 0 : symbol;
		const body = TCC_FIXED_LENGTH + 2 * (this.chunks.length + (this.pendCount > 0 ? 1 : 0)) + this.deltaBytes + extra;
		if (((body + 3) & ~3) > this.maxSize) {
			this.chunks.length = savedChunks;
			this.pendSyms.set(this.savedSyms);
			this.pendCount = savedCount;
			this.pendEqual = savedEqual;
			this.pendLarge = savedLarge;
			return false;
		}
		this.commit(seq, gap, received, reference, tick, delta, symbol);
		return true;
	}

	private commit(seq: number, gap: number, received: boolean, reference: number, tick: number, delta: number, symbol: number): void {
		if (this.baseSeq < 0) this.baseSeq = seq;
		this.lastSeq = seq;
		this.statusCount += gap + 1;
		if (received) {
			this.referenceTime = reference;
			this.hasReference = true;
			this.lastTick = tick;
			this.deltas.push(delta);
			this.deltaBytes += symbol;
		}
	}

	/** The feedback built so far (at least one packet must have been added). */
	build(): TransportCcFeedback {
		if (this.statusCount === 0) throw new RangeError('transport-cc feedback needs at least one packet');
		const chunks = this.chunks.slice();
		if (this.pendCount > 0) chunks.push(this.pendingChunk());
		const fb = new TransportCcFeedback({
			senderSsrc: this.senderSsrc,
			mediaSsrc: this.mediaSsrc,
			baseSequenceNumber: this.baseSeq,
			packetStatusCount: this.statusCount,
			// 24-bit two's complement on the wire; keep the signed reading so parse agrees.
			referenceTime: ((this.referenceTime & 0xffffff) << 8) >> 8,
			feedbackPacketCount: this.feedbackPacketCount & 0xff,
			chunks,
			deltas: this.deltas.slice(),
		});
		if (this.paddingBit) {
			const body = TCC_FIXED_LENGTH + chunks.length * 2 + this.deltaBytes;
			fb.padding = ((body + 3) & ~3) - body;
		}
		return fb;
	}

	/** Empties the builder for the next feedback, bumping the feedback packet count. */
	reset(): void {
		this.feedbackPacketCount = (this.feedbackPacketCount + 1) & 0xff;
		this.baseSeq = -1;
		this.lastSeq = -1;
		this.statusCount = 0;
		this.referenceTime = 0;
		this.hasReference = false;
		this.lastTick = 0;
		this.chunks.length = 0;
		this.deltas.length = 0;
		this.deltaBytes = 0;
		this.pendCount = 0;
		this.pendEqual = true;
		this.pendLarge = false;
	}

	private pushSymbol(symbol: number): void {
		const syms = this.pendSyms;
		if (this.pendCount === 0) {
			syms[0] = symbol;
			this.pendCount = 1;
			this.pendEqual = true;
			this.pendLarge = symbol === TCC_LARGE_DELTA;
			return;
		}
		if (this.pendEqual && symbol === syms[0]) {
			if (this.pendCount < MAX_RUN_LENGTH) {
				if (this.pendCount < 16) syms[this.pendCount] = symbol;
				this.pendCount++;
				return;
			}
			this.chunks.push((syms[0] << 13) | this.pendCount);
			this.pendCount = 0;
			this.pushSymbol(symbol);
			return;
		}
		if (this.pendEqual && this.pendCount > 14) {
			// Too many for any vector: close the run.
			this.chunks.push((syms[0] << 13) | this.pendCount);
			this.pendCount = 0;
			this.pushSymbol(symbol);
			return;
		}
		syms[this.pendCount++] = symbol;
		this.pendEqual = false;
		if (symbol === TCC_LARGE_DELTA) this.pendLarge = true;
		// Emit from the front until the rest fits one vector chunk.
		while (!this.pendEqual && this.pendCount > (this.pendLarge ? 7 : 14)) {
			let run = 1;
			while (run < this.pendCount && syms[run] === syms[0]) run++;
			let take: number;
			if (run >= 7) {
				take = run;
				this.chunks.push((syms[0] << 13) | run);
			} else {
				let large = false;
				for (let i = 0; i < 14 && i < this.pendCount; i++) if (syms[i] === TCC_LARGE_DELTA) large = true;
				take = large || this.pendCount < 14 ? 7 : 14;
				this.chunks.push(vectorChunk(syms, take, take === 7));
			}
			syms.copyWithin(0, take, this.pendCount);
			this.pendCount -= take;
			this.pendEqual = true;
			this.pendLarge = false;
			for (let i = 0; i < this.pendCount; i++) {
				if (syms[i] !== syms[0]) this.pendEqual = false;
				if (syms[i] === TCC_LARGE_DELTA) this.pendLarge = true;
			}
		}
	}

	private pendingChunk(): number {
		if (this.pendEqual) return (this.pendSyms[0] << 13) | this.pendCount;
		return vectorChunk(this.pendSyms, this.pendCount, this.pendLarge);
	}
}

/** A status vector chunk of the first `n` symbols; unused trailing slots are 0 (not received). */
function vectorChunk(syms: Uint8Array, n: number, twoBit: boolean): number {
	let chunk = twoBit ? 0xc000 : 0x8000;
	if (twoBit) for (let i = 0; i < n; i++) chunk |= syms[i] << (12 - 2 * i);
	else for (let i = 0; i < n; i++) chunk |= syms[i] << (13 - i);
	return chunk;
}

/**
 * Builds as many feedback packets as needed for pairs given in sequence order (arrivalUs =
 * TCC_LOST when not received), each no bigger than `maxSize`, with consecutive feedback counts.
 * Pairs that are not newer than the previous one are skipped. When a packet is split, sequence
 * numbers missing just before the split are reported lost at the start of the next packet.
 */
export function buildTransportCc(
	packets: ReadonlyArray<{ sequenceNumber: number; arrivalUs: number }>,
	init: TransportCcBuilderInit = {}
): TransportCcFeedback[] {
	const builder = new TransportCcBuilder(init);
	const out: TransportCcFeedback[] = [];
	let last = -1;
	for (const { sequenceNumber, arrivalUs } of packets) {
		const seq = sequenceNumber & 0xffff;
		const diff = last < 0 ? 1 : (seq - last) & 0xffff;
		if (diff === 0 || diff >= 0x8000) continue;
		if (!builder.add(seq, arrivalUs)) {
			if (builder.isEmpty) continue;
			out.push(builder.build());
			builder.reset();
			if (diff > 1) builder.add((last + 1) & 0xffff, TCC_LOST);
			if (!builder.add(seq, arrivalUs)) continue;
		}
		last = seq;
	}
	if (!builder.isEmpty) out.push(builder.build());
	return out;
}
