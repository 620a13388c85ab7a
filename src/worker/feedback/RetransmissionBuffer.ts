import type { GenericNack } from '../../proto/rtcp/nack';

/**
 * Send-side store of recently sent packets of one stream, answering NACKs (RFC 4585 6.2.1,
 * RFC 4588 for the RTX the engine wraps them in).
 *
 * Packets are COPIED in (`store`), into buffers of `maxPacketSize` bytes that stay with their slot: the engine
 * may reuse or encrypt its send buffer in place right after. A packet stays until it is older
 * than `maxAgeMs` (by the time it was stored), or `maxPackets` newer sequence numbers pushed it
 * out; an evicted item keeps its slot (and buffer) for the packet that takes the slot next, so
 * nothing is allocated per packet once the table has grown to the stream's window.
 *
 * Memory (one buffer per consumer stream, so it multiplies by the fan-out): packets are kept
 * only as long as the path needs them, `max(minAgeMs, RTT_FACTOR x RTT)` capped at `maxAgeMs`
 * (the RTT is the last one `onNack*` was given; until then minAgeMs): a NACK comes about one RTT
 * after the loss and its retries one RTT apart, so 2 s (mediasoup's fixed window) is kept only
 * on paths slow enough to use it. The RTT given lags when a queue builds up on the receiver's
 * link (it is measured from reports that cross that queue later), so the NACKs themselves count
 * too: the youngest packet a NACK asks for is as old as the path's NACK delay, and packets are
 * kept RTT_FACTOR times that (a Chromium behind a squeezed 250 kbps relay asked again ~800 ms
 * after sending, with a 2 ms RTT known: kept 500 ms, the packets were gone and it waited 3 s
 * for its own key frame request). The slot table grows with the packets held (from
 * INITIAL_SLOTS up to `maxPackets`); an evicted item stays in its slot and is reused in place.
 *
 * `onNack*` fills `resend` with the items to send again (oldest first) and `missing` with the
 * seqs it cannot serve (never stored, evicted, or too old). A packet resent less than one RTT
 * ago is not resent again (the first copy may still be in flight; mediasoup's rule), and goes
 * to `throttled`. The three arrays are reused by the next call.
 */

export interface RetransmissionBufferOptions {
	/** Rounded up to a power of two, at most 32768 (mediasoup: 2500). */
	maxPackets?: number;
	/** mediasoup: 2000 ms for video, 1000 ms for audio. */
	maxAgeMs?: number;
	/** Larger packets are not stored (mediasoup: the MTU). */
	maxPacketSize?: number;
	/**
	 * Packets are kept at least this long whatever the RTT (at most maxAgeMs; the default,
	 * maxAgeMs, keeps every packet maxAgeMs as mediasoup does). The engine uses 500 ms.
	 */
	minAgeMs?: number;
}

/** Packets are kept for this many RTTs (the first NACK and a few retries). */
const RTT_FACTOR = 4;
const INITIAL_SLOTS = 64;

export const RETRANSMISSION_DEFAULT_RTT_MS = 100;

const EMPTY = Buffer.alloc(0);

/** One packet as it arrived (before any consumer rewrote it), shared by every consumer of it. */
export class SharedPacket {
	buffer: Buffer;
	length: number;
	/** Bumped each time the slot is reused: a consumer's reference holds the generation it saw. */
	gen: number;
	storedAtMs: number;

	constructor(buffer: Buffer) {
		this.buffer = buffer;
		this.length = 0;
		this.gen = 0;
		this.storedAtMs = 0;
	}
}

/**
 * Worker-wide store of ingested packets for retransmission: a packet forwarded to N consumers
 * is copied once here (by the first consumer that keeps it) instead of once per consumer; each
 * consumer keeps only its seq -> (packet, generation, timestamp) entry and rewrites the header
 * when it resends. Packets live `maxAgeMs` (the longest any consumer keeps, mediasoup's 2 s) in
 * arrival order, then their buffers are reused.
 */
export class SharedPacketStore {
	readonly maxAgeMs: number;
	readonly maxPacketSize: number;
	private fifo: (SharedPacket | null)[];
	private head: number;
	private count: number;
	private readonly pool: SharedPacket[];
	private last: SharedPacket | null;
	private lastSource: Uint8Array | null;
	private lastLength: number;
	private lastKey: number;
	private lastSsrc: number;

	constructor(maxAgeMs = 2000, maxPacketSize = 1500) {
		this.maxAgeMs = maxAgeMs;
		this.maxPacketSize = maxPacketSize;
		this.fifo = new Array<SharedPacket | null>(256).fill(null);
		this.head = 0;
		this.count = 0;
		this.pool = [];
		this.last = null;
		this.lastSource = null;
		this.lastLength = 0;
		this.lastKey = -1;
		this.lastSsrc = 0;
	}

	/**
	 * The shared copy of `data[0 .. length)` (an RTP packet): the one made for the previous call
	 * when it is the same packet (consumers of one packet are called one after the other), else a
	 * new copy. Undefined when too big.
	 */
	retain(data: Uint8Array, length: number, nowMs: number): SharedPacket | undefined {
		if (length > this.maxPacketSize || length < 12) {
			return undefined;
		}
		// Same source buffer, length, seq and timestamp low bits and SSRC: the same packet.
		const key = (data[2]! << 24) | (data[3]! << 16) | (data[6]! << 8) | data[7]!;
		const ssrc = (data[8]! << 24) | (data[9]! << 16) | (data[10]! << 8) | data[11]!;
		const last = this.last;
		if (
			last !== null &&
			data === this.lastSource &&
			length === this.lastLength &&
			key === this.lastKey &&
			ssrc === this.lastSsrc &&
			last.storedAtMs === nowMs
		) {
			return last;
		}
		this.evictOld(nowMs);
		if (this.count === this.fifo.length) this.grow();
		const packet = this.pool.pop() ?? new SharedPacket(Buffer.allocUnsafe(this.maxPacketSize));
		packet.buffer.set(length === data.length ? data : data.subarray(0, length), 0);
		packet.length = length;
		packet.gen++;
		packet.storedAtMs = nowMs;
		this.fifo[(this.head + this.count) & (this.fifo.length - 1)] = packet;
		this.count++;
		this.last = packet;
		this.lastSource = data;
		this.lastLength = length;
		this.lastKey = key;
		this.lastSsrc = ssrc;
		return packet;
	}

	/** Packets held now. */
	get size(): number {
		return this.count;
	}

	private evictOld(nowMs: number): void {
		const limit = nowMs - this.maxAgeMs;
		const mask = this.fifo.length - 1;
		while (this.count > 0) {
			const packet = this.fifo[this.head]!;
			if (packet.storedAtMs >= limit) return;
			this.fifo[this.head] = null;
			this.head = (this.head + 1) & mask;
			this.count--;
			// Invalidate references consumers still hold before the buffer is reused.
			packet.gen++;
			if (packet === this.last) this.last = null;
			if (this.pool.length < 256) this.pool.push(packet);
		}
	}

	private grow(): void {
		const old = this.fifo;
		const fifo = new Array<SharedPacket | null>(old.length * 2).fill(null);
		for (let i = 0; i < this.count; i++) fifo[i] = old[(this.head + i) & (old.length - 1)]!;
		this.fifo = fifo;
		this.head = 0;
	}
}

/** The worker's store (one per process: consumers of every router share it). */
export const sharedPacketStore = new SharedPacketStore();

/**
 * What a consumer changed in its copy of a packet beyond the header (layer selection: the
 * marker bit, a few payload descriptor bytes such as a VP8 picture id), replayed on a resend
 * of a packet stored by reference.
 */
export interface PayloadPatch {
	/** Set the RTP marker bit. */
	marker: boolean;
	/** Offset in the payload of the bytes to write, -1 for none. */
	payloadOffset: number;
	/** 0..4 bytes, big endian in payloadValue. */
	payloadLength: number;
	payloadValue: number;
}

/**
 * One stored packet. Its bytes are `buffer[0 .. length)`; treat them as read-only. Stored with
 * storeShared(), the bytes are those of the packet as it arrived (`shared`, while its
 * generation is still `sharedGen`): the owner rewrites them (seq, `timestamp`, SSRC, header
 * extensions) into a buffer of its own before resending, and sets `buffer`/`length`.
 */
export class RetransmissionItem {
	seq: number;
	buffer: Buffer;
	length: number;
	storedAtMs: number;
	/** Last time it was resent (0 = never). */
	resentAtMs: number;
	/** Resends so far (1 after the first: the RtpStreamSend counts that one as a repair). */
	sentTimes: number;
	/** False once evicted; an evicted item may be reused for another packet. */
	valid: boolean;
	shared: SharedPacket | null;
	sharedGen: number;
	/** RTP timestamp as sent (storeShared). */
	timestamp: number;
	/** PayloadPatch of a storeShared() item (markerSet false and patchOffset -1: none). */
	markerSet: boolean;
	patchOffset: number;
	patchLength: number;
	patchValue: number;

	constructor(buffer: Buffer) {
		this.seq = 0;
		this.shared = null;
		this.sharedGen = 0;
		this.timestamp = 0;
		this.markerSet = false;
		this.patchOffset = -1;
		this.patchLength = 0;
		this.patchValue = 0;
		this.buffer = buffer;
		this.length = 0;
		this.storedAtMs = 0;
		this.resentAtMs = 0;
		this.sentTimes = 0;
		this.valid = false;
	}
}

export class RetransmissionBuffer {
	readonly capacity: number;
	readonly maxAgeMs: number;
	readonly minAgeMs: number;
	/** What packets are kept for now: max(minAgeMs, RTT_FACTOR x RTT), at most maxAgeMs. */
	ageLimitMs: number;
	readonly maxPacketSize: number;

	/** Results of the last `onNack*` call (reused). */
	readonly resend: RetransmissionItem[];
	readonly missing: number[];
	readonly throttled: number[];

	private slots: (RetransmissionItem | null)[];
	private mask: number;
	/** Last RTT given (0: none yet). */
	private rttMs = 0;
	/** Age of the youngest packet the last NACK asked for (0: no NACK yet). */
	private nackDelayMs = 0;
	private youngestAskedMs = Infinity;
	private started: boolean;
	/** Extended seq of the newest stored packet, and of the oldest slot still considered. */
	private newestExt: number;
	private oldestExt: number;
	private newestSeq: number;
	/** Items currently stored. */
	size: number;
	/** Packets refused for size. */
	packetsTooBig: number;

	constructor(options: RetransmissionBufferOptions = {}) {
		const want = Math.max(1, Math.min(options.maxPackets ?? 2500, 32768));
		let cap = 1;
		while (cap < want) cap <<= 1;
		this.capacity = cap;
		this.maxAgeMs = options.maxAgeMs ?? 2000;
		this.minAgeMs = Math.min(options.minAgeMs ?? this.maxAgeMs, this.maxAgeMs);
		this.ageLimitMs = this.minAgeMs;
		this.maxPacketSize = options.maxPacketSize ?? 1500;
		this.resend = [];
		this.missing = [];
		this.throttled = [];
		const slots = Math.min(cap, INITIAL_SLOTS);
		this.slots = new Array<RetransmissionItem | null>(slots).fill(null);
		this.mask = slots - 1;
		this.started = false;
		this.newestExt = 0;
		this.oldestExt = 0;
		this.newestSeq = 0;
		this.size = 0;
		this.packetsTooBig = 0;
	}

	/**
	 * Copies a sent packet (`data[0 .. length)`, sequence number `seq` as sent) in. Returns false
	 * when it was not stored (too big, or older than the window).
	 */
	store(seq: number, data: Uint8Array, length: number, nowMs: number): boolean {
		if (length > this.maxPacketSize) {
			this.packetsTooBig++;
			return false;
		}
		const item = this.acquire(seq, nowMs, true);
		if (item === undefined) return false;
		item.buffer.set(length === data.length ? data : data.subarray(0, length), 0);
		item.length = length;
		item.shared = null;
		return true;
	}

	/**
	 * Keeps a sent packet by reference to the shared copy of the packet it was made from
	 * (`source[0 .. length)` as the producer got it; `sharedPacketStore` copies it once for all
	 * consumers), with the seq and RTP timestamp it was sent with, and what else the consumer
	 * changed in its copy (`patch`, copied), for the owner to redo on a resend.
	 */
	storeShared(
		seq: number,
		timestamp: number,
		source: Uint8Array,
		length: number,
		nowMs: number,
		patch?: PayloadPatch,
	): boolean {
		const shared = sharedPacketStore.retain(source, length, nowMs);
		if (shared === undefined) {
			this.packetsTooBig++;
			return false;
		}
		const item = this.acquire(seq, nowMs, false);
		if (item === undefined) return false;
		item.buffer = EMPTY;
		item.shared = shared;
		item.sharedGen = shared.gen;
		item.timestamp = timestamp;
		item.length = shared.length;
		if (patch === undefined) {
			item.markerSet = false;
			item.patchOffset = -1;
		} else {
			item.markerSet = patch.marker;
			item.patchOffset = patch.payloadOffset;
			item.patchLength = patch.payloadLength;
			item.patchValue = patch.payloadValue;
		}
		return true;
	}

	/** Whether the shared copy of a storeShared() item is still there. */
	static sharedValid(item: RetransmissionItem): boolean {
		return item.shared !== null && item.shared.gen === item.sharedGen;
	}

	private acquire(seq: number, nowMs: number, withBuffer: boolean): RetransmissionItem | undefined {
		seq &= 0xffff;
		let ext: number;
		if (!this.started) {
			this.started = true;
			ext = seq;
			this.newestExt = ext;
			this.oldestExt = ext;
			this.newestSeq = seq;
		} else {
			ext = this.newestExt + (((seq - this.newestSeq) << 16) >> 16);
			if (ext > this.newestExt) {
				this.newestExt = ext;
				this.newestSeq = seq;
				// Slots that fall out of the seq window are evicted by count.
				this.evictBefore(ext - this.capacity + 1);
			} else if (ext <= this.newestExt - this.capacity) {
				return undefined;
			}
		}
		this.evictOld(nowMs);
		if (ext < this.oldestExt) this.oldestExt = ext;
		// The held window no longer fits the table: double it (up to capacity).
		while (this.newestExt - this.oldestExt >= this.slots.length && this.slots.length < this.capacity) this.grow();
		const slot = ext & this.mask;
		let item = this.slots[slot];
		if (item === null) {
			item = new RetransmissionItem(withBuffer ? Buffer.allocUnsafe(this.maxPacketSize) : EMPTY);
			this.slots[slot] = item;
			this.size++;
		} else if (!item.valid) {
			// An evicted item left in its slot: reused in place.
			this.size++;
		}
		if (withBuffer && item.buffer.length < this.maxPacketSize) {
			item.buffer = Buffer.allocUnsafe(this.maxPacketSize);
		}
		item.seq = ext;
		item.storedAtMs = nowMs;
		item.resentAtMs = 0;
		item.sentTimes = 0;
		item.valid = true;
		return item;
	}

	/** The stored packet with this 16-bit seq, if any (and not too old). */
	get(seq: number, nowMs: number): RetransmissionItem | undefined {
		if (!this.started) return undefined;
		this.evictOld(nowMs);
		const ext = this.newestExt + ((((seq & 0xffff) - this.newestSeq) << 16) >> 16);
		if (ext > this.newestExt || ext < this.oldestExt) return undefined;
		const item = this.slots[ext & this.mask];
		return item !== null && item.valid && item.seq === ext ? item : undefined;
	}

	/** Answers a generic NACK, expanding each PID + BLP without allocating. */
	onNack(nack: GenericNack, nowMs: number, rttMs: number): number {
		this.setRtt(rttMs);
		this.beginAnswer(nowMs);
		const rtt = rttMs > 0 ? rttMs : RETRANSMISSION_DEFAULT_RTT_MS;
		for (let e = 0; e < nack.entries.length; e++) {
			const { pid, blp } = nack.entries[e];
			this.answerOne(pid, nowMs, rtt);
			for (let b = 0; b < 16; b++) if (blp & (1 << b)) this.answerOne((pid + b + 1) & 0xffff, nowMs, rtt);
		}
		this.noteNackDelay();
		return this.resend.length;
	}

	/** Answers a list of requested seqs (e.g. `GenericNack.toSequenceNumbers()`). */
	onNackSequenceNumbers(seqs: ArrayLike<number>, nowMs: number, rttMs: number): number {
		this.setRtt(rttMs);
		this.beginAnswer(nowMs);
		const rtt = rttMs > 0 ? rttMs : RETRANSMISSION_DEFAULT_RTT_MS;
		for (let k = 0; k < seqs.length; k++) this.answerOne(seqs[k] & 0xffff, nowMs, rtt);
		this.noteNackDelay();
		return this.resend.length;
	}

	/** Drops everything (consumer paused: mediasoup clears the buffer). */
	clear(): void {
		for (let i = 0; i < this.slots.length; i++) {
			const item = this.slots[i];
			if (item !== null && item.valid) this.release(i, item);
		}
		this.started = false;
	}

	/** Keeps packets for RTT_FACTOR RTTs (within [minAgeMs, maxAgeMs]). */
	setRtt(rttMs: number): void {
		if (rttMs > 0) this.rttMs = rttMs;
		this.updateAgeLimit();
	}

	private updateAgeLimit(): void {
		const delay = Math.max(this.rttMs, this.nackDelayMs);
		if (delay > 0) this.ageLimitMs = Math.min(this.maxAgeMs, Math.max(this.minAgeMs, RTT_FACTOR * delay));
	}

	/** After answering a NACK: the youngest packet it asked for tells how late NACKs come now. */
	private noteNackDelay(): void {
		if (this.youngestAskedMs !== Infinity) {
			this.nackDelayMs = this.youngestAskedMs;
			this.updateAgeLimit();
		}
	}

	private grow(): void {
		const old = this.slots;
		const size = old.length * 2;
		const slots = new Array<RetransmissionItem | null>(size).fill(null);
		const mask = size - 1;
		for (let i = 0; i < old.length; i++) {
			const item = old[i];
			if (item === null || item === undefined) continue;
			if (item.valid && (item.seq < this.oldestExt || item.seq > this.newestExt)) {
				// Left behind by a count eviction that jumped over it: evict it now.
				this.release(i, item);
			}
			// Old slot i holds seqs = i (mod old size): they land on distinct new slots. Evicted
			// items move too, to be reused in place.
			slots[item.seq & mask] = item;
		}
		this.slots = slots;
		this.mask = mask;
	}

	private beginAnswer(nowMs: number): void {
		this.resend.length = 0;
		this.missing.length = 0;
		this.throttled.length = 0;
		this.youngestAskedMs = Infinity;
		this.evictOld(nowMs);
	}

	private answerOne(seq: number, nowMs: number, rttMs: number): void {
		const item = this.started ? this.lookup(seq) : undefined;
		if (item === undefined) {
			this.missing.push(seq);
			return;
		}
		if (nowMs - item.storedAtMs < this.youngestAskedMs) this.youngestAskedMs = nowMs - item.storedAtMs;
		// Also makes a seq listed twice in one NACK a single resend.
		if (item.sentTimes > 0 && nowMs - item.resentAtMs <= rttMs) {
			this.throttled.push(seq);
			return;
		}
		item.resentAtMs = nowMs;
		item.sentTimes++;
		this.resend.push(item);
	}

	private lookup(seq: number): RetransmissionItem | undefined {
		const ext = this.newestExt + (((seq - this.newestSeq) << 16) >> 16);
		if (ext > this.newestExt || ext < this.oldestExt) return undefined;
		const item = this.slots[ext & this.mask];
		return item !== null && item.valid && item.seq === ext ? item : undefined;
	}

	/** Evicts from the oldest end while items are older than maxAgeMs. */
	private evictOld(nowMs: number): void {
		const limit = nowMs - this.ageLimitMs;
		while (this.oldestExt <= this.newestExt && this.size > 0) {
			const slot = this.oldestExt & this.mask;
			const item = this.slots[slot];
			if (item !== null && item.valid && item.seq === this.oldestExt) {
				if (item.storedAtMs >= limit) return;
				this.release(slot, item);
			}
			this.oldestExt++;
		}
	}

	/** Evicts every slot with extended seq < `limit` (the count bound). */
	private evictBefore(limit: number): void {
		if (limit - this.oldestExt > this.slots.length) this.oldestExt = limit - this.slots.length;
		while (this.oldestExt < limit) {
			const slot = this.oldestExt & this.mask;
			const item = this.slots[slot];
			if (item !== null && item.valid && item.seq === this.oldestExt) this.release(slot, item);
			this.oldestExt++;
		}
	}

	/**
	 * Evicts an item but leaves it in its slot, to be reused in place by the packet that takes
	 * the slot next: with the stream's packets spread over the table, eviction and storage stay
	 * balanced whatever the burstiness, so nothing is allocated (and nothing dies in the GC's
	 * old generation) at a steady rate. `_slot` is kept for callers' symmetry.
	 */
	private release(_slot: number, item: RetransmissionItem): void {
		item.valid = false;
		if (item.shared !== null) {
			// Its buffer was a resend scratch, not its own.
			item.buffer = EMPTY;
			item.shared = null;
		}
		this.size--;
	}
}
