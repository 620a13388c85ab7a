import type { GenericNack } from '../../proto/rtcp/nack';

/**
 * Send-side store of recently sent packets of one stream, answering NACKs (RFC 4585 6.2.1,
 * RFC 4588 for the RTX the engine wraps them in).
 *
 * Packets are COPIED in (`store`), into buffers of `maxPacketSize` bytes that stay with their
 * slot: the engine may reuse or encrypt its send buffer in place right after. Or they are kept by
 * reference (`storeShared`, the engine's fan-out) to the one copy `sharedPacketStore` makes for
 * all consumers. A packet stays until it is older than `maxAgeMs` (by the time it was stored), or
 * `maxPackets` newer sequence numbers pushed it out; its slot (and a copy's buffer) then serves
 * the packet that takes the slot next, so nothing is allocated per packet once the table has
 * grown to the stream's window.
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
 * INITIAL_SLOTS up to `maxPackets`, doubling), and its arrays with it.
 *
 * `onNack*` fills `resend` with the items to send again (oldest first) and `missing` with the
 * seqs it cannot serve (never stored, evicted, or too old). A packet resent less than one RTT
 * ago is not resent again (the first copy may still be in flight; mediasoup's rule), and goes
 * to `throttled`. The three arrays are reused by the next call, and so are the items (views of
 * the slots, see RetransmissionBuffer).
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

/** Evicted packets the store keeps (with their buffers) for the next ones; beyond, dropped. */
const MAX_SPARE_PACKETS = 256;

/** One packet as it arrived (before any consumer rewrote it), shared by every consumer of it. */
export class SharedPacket {
	buffer: Buffer;
	length: number;
	/**
	 * The packet's serial number in its store while it holds it (a new one each time the object
	 * is reused), -1 once evicted: a consumer's reference is the serial it saw.
	 */
	gen: number;
	storedAtMs: number;

	constructor(buffer: Buffer) {
		this.buffer = buffer;
		this.length = 0;
		this.gen = -1;
		this.storedAtMs = 0;
	}
}

/** Stands for a packet no longer in the store: never valid (generation -1), no bytes. */
const GONE = new SharedPacket(EMPTY);

/**
 * Worker-wide store of ingested packets for retransmission: a packet forwarded to N consumers
 * is copied once here (by the first consumer that keeps it) instead of once per consumer; each
 * consumer keeps only its seq -> (packet serial, timestamp) entry and rewrites the header when
 * it resends. Packets live as long as the longest-keeping consumer lately asked (`keptMs`, at
 * most `maxAgeMs`, mediasoup's 2 s) in arrival order, then their buffers are reused.
 *
 * Each packet stored gets the next serial number (`gen`), and sits at `serial & mask` of a ring
 * holding the serials [oldest, next): a consumer's reference is that one number (a float64, no
 * pointer, so storing it costs no GC write barrier), and `packetAt(serial)` finds the packet
 * while the store still has it.
 */
export class SharedPacketStore {
	readonly maxAgeMs: number;
	/**
	 * How long packets are kept now: the longest any consumer asked for (retain's `keepMs`, its
	 * RTT-based age limit) over the last one to two seconds, at most maxAgeMs. Consumers keep 500 ms
	 * on short paths, so a store keeping everyone's 2 s would hold 4x the packets (60 MB at 20k
	 * packets/s) for nobody.
	 */
	private keepMs: number;
	private windowMaxMs: number;
	private prevWindowMaxMs: number;
	private windowStartMs: number;
	readonly maxPacketSize: number;
	/** Packets by serial & (length - 1); a power-of-two size, doubled when full. */
	private ring: (SharedPacket | undefined)[];
	/** Serials held: [oldestSerial, nextSerial). */
	private oldestSerial: number;
	private nextSerial: number;
	private readonly pool: SharedPacket[];
	private last: SharedPacket | null;
	private lastSource: Uint8Array | null;
	private lastLength: number;
	private lastKey: number;
	private lastSsrc: number;

	constructor(maxAgeMs = 2000, maxPacketSize = 1500) {
		this.maxAgeMs = maxAgeMs;
		this.maxPacketSize = maxPacketSize;
		this.keepMs = maxAgeMs;
		this.windowMaxMs = 0;
		this.prevWindowMaxMs = 0;
		this.windowStartMs = -Infinity;
		this.ring = new Array<SharedPacket | undefined>(256).fill(undefined);
		this.oldestSerial = 1;
		this.nextSerial = 1;
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
	retain(data: Uint8Array, length: number, nowMs: number, keepMs = this.maxAgeMs): SharedPacket | undefined {
		if (keepMs > this.windowMaxMs) this.keepAtLeast(keepMs);
		if (nowMs - this.windowStartMs >= KEEP_WINDOW_MS) this.rollKeepWindow(nowMs);
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
		if (this.nextSerial - this.oldestSerial === this.ring.length) this.grow();
		const packet = this.pool.pop() ?? new SharedPacket(Buffer.allocUnsafe(this.maxPacketSize));
		packet.buffer.set(length === data.length ? data : data.subarray(0, length), 0);
		packet.length = length;
		packet.gen = this.nextSerial++;
		packet.storedAtMs = nowMs;
		this.ring[packet.gen & (this.ring.length - 1)] = packet;
		this.last = packet;
		this.lastSource = data;
		this.lastLength = length;
		this.lastKey = key;
		this.lastSsrc = ssrc;
		return packet;
	}

	/** The packet with this serial while the store has it; else a stand-in that is never valid. */
	packetAt(serial: number): SharedPacket {
		const packet = this.ring[serial & (this.ring.length - 1)];
		return packet !== undefined && packet.gen === serial ? packet : GONE;
	}

	/** Packets held now. */
	get size(): number {
		return this.nextSerial - this.oldestSerial;
	}

	/**
	 * A consumer keeps its packets `keepMs` (from now on): counts at once. A shorter request takes
	 * over only once the longer one is a whole window old.
	 */
	keepAtLeast(keepMs: number): void {
		if (keepMs > this.windowMaxMs) this.windowMaxMs = keepMs;
		if (keepMs > this.keepMs) this.keepMs = Math.min(this.maxAgeMs, keepMs);
	}

	/** Packets are kept as long as the last window's and this window's longest request. */
	private rollKeepWindow(nowMs: number): void {
		this.keepMs = Math.min(this.maxAgeMs, Math.max(this.prevWindowMaxMs, this.windowMaxMs));
		this.prevWindowMaxMs = this.windowMaxMs;
		this.windowMaxMs = 0;
		this.windowStartMs = nowMs;
	}

	/** How long packets are kept now (ms). */
	get keptMs(): number {
		return this.keepMs;
	}

	private evictOld(nowMs: number): void {
		const limit = nowMs - this.keepMs;
		const mask = this.ring.length - 1;
		while (this.oldestSerial < this.nextSerial) {
			const slot = this.oldestSerial & mask;
			const packet = this.ring[slot]!;
			if (packet.storedAtMs >= limit) return;
			this.ring[slot] = undefined;
			this.oldestSerial++;
			// Invalidate references consumers still hold before the buffer is reused.
			packet.gen = -1;
			if (packet === this.last) this.last = null;
			if (this.pool.length < MAX_SPARE_PACKETS) this.pool.push(packet);
		}
	}

	private grow(): void {
		const old = this.ring;
		const ring = new Array<SharedPacket | undefined>(old.length * 2).fill(undefined);
		const mask = ring.length - 1;
		// Serials [oldest, next) are fewer than the new size: distinct slots.
		for (let serial = this.oldestSerial; serial < this.nextSerial; serial++) {
			ring[serial & mask] = old[serial & (old.length - 1)];
		}
		this.ring = ring;
	}
}

/** How often the shared store re-reads how long consumers keep packets. */
const KEEP_WINDOW_MS = 1000;

/** The worker's store (one per process: consumers of every router share it). */
const store = new SharedPacketStore();
export const sharedPacketStore = store;

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
 * One stored packet, as `resend` and `get()` give it: a view filled from the buffer's arrays
 * (see RetransmissionBuffer for how long it stays valid). Its bytes are `buffer[0 .. length)`;
 * treat them as read-only. Stored with storeShared(), the bytes are those of the packet as it
 * arrived (`shared`, while its generation is still `sharedGen`): the owner rewrites them (seq,
 * `timestamp`, SSRC, header extensions) into a buffer of its own before resending, and sets
 * `buffer`/`length` of the view.
 */
export class RetransmissionItem {
	/** Extended sequence number (the 16-bit one as sent in its low bits). */
	seq: number;
	buffer: Buffer;
	/** 0 for a shared packet the store no longer has. */
	length: number;
	storedAtMs: number;
	/** Last time it was resent (0 = never). */
	resentAtMs: number;
	/** Resends so far (1 after the first: the RtpStreamSend counts that one as a repair). */
	sentTimes: number;
	/** True: a view is only made of a packet held. */
	valid: boolean;
	/**
	 * The shared copy (storeShared), null for a copy of its own (store). Once the store no longer
	 * has the packet, a stand-in with no bytes that sharedValid() refuses.
	 */
	shared: SharedPacket | null;
	/** The shared packet's serial in the store when it was stored. */
	sharedGen: number;
	/** RTP timestamp as sent (storeShared). */
	timestamp: number;
	/** PayloadPatch of a storeShared() item (markerSet false and patchOffset -1: none). */
	markerSet: boolean;
	patchOffset: number;
	patchLength: number;
	/** As an unsigned 32-bit number. */
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

// Bits of a slot's flags.
/** The slot holds a packet (the valid flag; 0: free, never used, evicted or cleared). */
const HELD = 1;
/** A copy in the slot's buffer (store); else a reference to a shared packet (storeShared). */
const COPY = 2;
/** The PayloadPatch's marker. */
const MARKER = 4;
/** patchOffset/patchLength/patchValue hold a PayloadPatch's payload bytes (else: none). */
const PATCH = 8;
/** Resent at least once: sentTimes/resentAt hold the count and the time (else: 0, never). */
const RESENT = 16;

/** Bytes per slot of the arrays: 3 x float64, 5 x 32-bit, 2 x 8-bit. */
const SLOT_BYTES = 3 * 8 + 5 * 4 + 2;

/**
 * The store itself (see the comment at the top). Layout: structure of arrays, one element per
 * slot of the table (slot = extended seq & mask), all carved from one ArrayBuffer sized with
 * the table (64 slots, doubled as the window needs, up to `capacity`): consecutive packets
 * write consecutive elements, and storing a packet writes numbers only (a shared packet is its
 * serial in `sharedPacketStore`), so nothing is allocated per packet and no GC write barrier
 * runs. What a slot holds is in its flags byte (HELD, COPY, MARKER, PATCH, RESENT): the fields
 * a flag says are absent are neither written when storing nor read, so a packet stored by
 * reference without a payload patch writes four arrays (stored time, flags, serial, RTP
 * timestamp): the fewer arrays a store touches, the fewer cache lines, pages and prefetch
 * streams per consumer. Packets stored by copy (`store`) keep a buffer per slot, in a plain
 * array made at the first such packet, and their length; a slot's buffer is reused by the
 * packets that take it.
 *
 * No array holds the extended seq: every packet held has one in [oldestExt, newestExt], a
 * window narrower than the table (the count bound and the growth keep it so), so a held slot
 * stands for the one seq of the window it is congruent to (`oldestExt + ((slot - oldestExt) &
 * mask)`), and a lookup of a seq in the window finds it at `seq & mask` or not at all.
 *
 * Items (`resend`, `get()`) are views made on demand, reused: those in `resend` until the next
 * `onNack*` call on this buffer, the one get() returns until the next get(). A view is a
 * snapshot of the slot when it was made (later stores do not change its fields), except the
 * bytes: a store() copy's `buffer` is its slot's and is overwritten when a newer packet takes
 * the slot, and a shared packet's bytes are only good while `sharedValid()` says so.
 */
export class RetransmissionBuffer {
	readonly capacity: number;
	readonly maxAgeMs: number;
	readonly minAgeMs: number;
	/** What packets are kept for now: max(minAgeMs, RTT_FACTOR x RTT), at most maxAgeMs. */
	ageLimitMs: number;
	readonly maxPacketSize: number;

	/** Results of the last `onNack*` call (reused; the items are views, see the class comment). */
	readonly resend: RetransmissionItem[];
	readonly missing: number[];
	readonly throttled: number[];

	/** Slots in the table (a power of two, at most capacity), and that minus one. */
	private slotCount: number;
	private mask: number;
	// Per slot (index: extended seq & mask).
	private storedAt!: Float64Array;
	/** RESENT: when last resent. */
	private resentAt!: Float64Array;
	/** Not COPY: the serial of the packet in sharedPacketStore. */
	private serials!: Float64Array;
	private timestamps!: Uint32Array;
	/** COPY: its length (a shared packet has its own). */
	private lengths!: Uint32Array;
	/** RESENT: resends so far. */
	private sentTimes!: Uint32Array;
	/** PATCH: the PayloadPatch's payload bytes. */
	private patchOffset!: Int32Array;
	private patchValue!: Uint32Array;
	private patchLength!: Uint8Array;
	private flags!: Uint8Array;
	/** store() copies, per slot; null until the first store(). */
	private buffers: (Buffer | undefined)[] | null;
	/** Views for `resend` (grown to the largest answer) and for get(). */
	private readonly resendViews: RetransmissionItem[];
	private getView: RetransmissionItem | null;

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
	/**
	 * At most the stored time of the first packet held from oldestExt on (-Infinity: unknown):
	 * while it is within the age limit nothing is to be evicted, and the arrays are not read.
	 */
	private oldestKeptAtMs: number;
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
		this.slotCount = 0;
		this.mask = 0;
		this.allocate(Math.min(cap, INITIAL_SLOTS));
		this.buffers = null;
		this.resendViews = [];
		this.getView = null;
		this.started = false;
		this.newestExt = 0;
		this.oldestExt = 0;
		this.newestSeq = 0;
		this.oldestKeptAtMs = -Infinity;
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
		const slot = this.acquire(seq, nowMs);
		if (slot < 0) return false;
		const buffers = this.buffers ?? (this.buffers = new Array<Buffer | undefined>(this.slotCount));
		let buffer = buffers[slot];
		if (buffer === undefined) {
			buffer = Buffer.allocUnsafe(this.maxPacketSize);
			buffers[slot] = buffer;
		}
		buffer.set(length === data.length ? data : data.subarray(0, length), 0);
		this.lengths[slot] = length;
		this.timestamps[slot] = 0;
		this.flags[slot] = HELD | COPY;
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
		const shared = store.retain(source, length, nowMs, this.ageLimitMs);
		if (shared === undefined) {
			this.packetsTooBig++;
			return false;
		}
		const slot = this.acquire(seq, nowMs);
		if (slot < 0) return false;
		this.serials[slot] = shared.gen;
		this.timestamps[slot] = timestamp;
		if (patch === undefined) {
			this.flags[slot] = HELD;
		} else {
			this.patchOffset[slot] = patch.payloadOffset;
			this.patchLength[slot] = patch.payloadLength;
			this.patchValue[slot] = patch.payloadValue;
			this.flags[slot] = patch.marker ? HELD | PATCH | MARKER : HELD | PATCH;
		}
		return true;
	}

	/** Whether the shared copy of a storeShared() item is still there. */
	static sharedValid(item: RetransmissionItem): boolean {
		return item.shared !== null && item.shared.gen === item.sharedGen;
	}

	/**
	 * The slot for a packet with this seq, stored at `nowMs`, counted in `size`, its time set;
	 * the caller sets the flags (HELD included) and the rest. -1 when it is older than the count
	 * window.
	 */
	private acquire(seq: number, nowMs: number): number {
		seq &= 0xffff;
		let ext: number;
		if (!this.started) {
			this.started = true;
			ext = seq;
			this.newestExt = ext;
			this.oldestExt = ext;
			this.newestSeq = seq;
			this.oldestKeptAtMs = -Infinity;
		} else {
			ext = this.newestExt + (((seq - this.newestSeq) << 16) >> 16);
			if (ext > this.newestExt) {
				this.newestExt = ext;
				this.newestSeq = seq;
				// Slots that fall out of the seq window are evicted by count.
				const limit = ext - this.capacity + 1;
				if (limit > this.oldestExt) this.evictBefore(limit);
			} else if (ext <= this.newestExt - this.capacity) {
				return -1;
			}
		}
		this.evictOld(nowMs);
		// The window with this packet no longer fits the table: double it (up to capacity). The
		// packets held are still in [oldestExt, newestExt before this one], what grow() expects.
		const oldest = ext < this.oldestExt ? ext : this.oldestExt;
		while (this.newestExt - oldest >= this.slotCount && this.slotCount < this.capacity) this.grow();
		this.oldestExt = oldest;
		const slot = ext & this.mask;
		if ((this.flags[slot]! & HELD) === 0) this.size++;
		this.storedAt[slot] = nowMs;
		// It may be the first one held now.
		if (nowMs < this.oldestKeptAtMs) this.oldestKeptAtMs = nowMs;
		return slot;
	}

	/** The stored packet with this 16-bit seq, if any (and not too old): a view valid until the next get(). */
	get(seq: number, nowMs: number): RetransmissionItem | undefined {
		if (!this.started) return undefined;
		this.evictOld(nowMs);
		const ext = this.lookup(seq & 0xffff);
		if (ext !== ext) return undefined;
		return this.fill(this.getView ?? (this.getView = new RetransmissionItem(EMPTY)), ext);
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
		this.flags.fill(0);
		this.size = 0;
		this.started = false;
		this.oldestKeptAtMs = -Infinity;
	}

	/** Keeps packets for RTT_FACTOR RTTs (within [minAgeMs, maxAgeMs]). */
	setRtt(rttMs: number): void {
		if (rttMs > 0) this.rttMs = rttMs;
		this.updateAgeLimit();
	}

	private updateAgeLimit(): void {
		const delay = Math.max(this.rttMs, this.nackDelayMs);
		if (delay > 0) {
			const before = this.ageLimitMs;
			this.ageLimitMs = Math.min(this.maxAgeMs, Math.max(this.minAgeMs, RTT_FACTOR * delay));
			// The shared copies of what we hold must now live as long.
			if (this.ageLimitMs > before) store.keepAtLeast(this.ageLimitMs);
		}
	}

	/** After answering a NACK: the youngest packet it asked for tells how late NACKs come now. */
	private noteNackDelay(): void {
		if (this.youngestAskedMs !== Infinity) {
			this.nackDelayMs = this.youngestAskedMs;
			this.updateAgeLimit();
		}
	}

	/** (Re)makes the per-slot arrays for `slots` slots, zeroed (every slot free). */
	private allocate(slots: number): void {
		const memory = new ArrayBuffer(slots * SLOT_BYTES);
		let offset = 0;
		// Widest first, so that every array is aligned to its element size.
		this.storedAt = new Float64Array(memory, offset, slots);
		offset += 8 * slots;
		this.resentAt = new Float64Array(memory, offset, slots);
		offset += 8 * slots;
		this.serials = new Float64Array(memory, offset, slots);
		offset += 8 * slots;
		this.timestamps = new Uint32Array(memory, offset, slots);
		offset += 4 * slots;
		this.lengths = new Uint32Array(memory, offset, slots);
		offset += 4 * slots;
		this.sentTimes = new Uint32Array(memory, offset, slots);
		offset += 4 * slots;
		this.patchOffset = new Int32Array(memory, offset, slots);
		offset += 4 * slots;
		this.patchValue = new Uint32Array(memory, offset, slots);
		offset += 4 * slots;
		this.patchLength = new Uint8Array(memory, offset, slots);
		offset += slots;
		this.flags = new Uint8Array(memory, offset, slots);
		this.slotCount = slots;
		this.mask = slots - 1;
	}

	/**
	 * Doubles the table: each packet held moves to the slot of its seq in the larger one. The
	 * packets held must be within oldestExt + [0, slot count).
	 */
	private grow(): void {
		const oldCount = this.slotCount;
		const oldMask = this.mask;
		const oldest = this.oldestExt;
		const storedAt = this.storedAt;
		const resentAt = this.resentAt;
		const serials = this.serials;
		const timestamps = this.timestamps;
		const lengths = this.lengths;
		const sentTimes = this.sentTimes;
		const patchOffset = this.patchOffset;
		const patchValue = this.patchValue;
		const patchLength = this.patchLength;
		const flags = this.flags;
		const buffers = this.buffers;
		this.allocate(oldCount * 2);
		const moved = buffers === null ? null : new Array<Buffer | undefined>(this.slotCount);
		const mask = this.mask;
		for (let i = 0; i < oldCount; i++) {
			let to = i;
			const f = flags[i]!;
			if ((f & HELD) !== 0) {
				// Old slot i holds the one seq = i (mod old size) of the window: it lands on a
				// slot of its own in the new table.
				const ext = oldest + ((i - oldest) & oldMask);
				to = ext & mask;
				this.storedAt[to] = storedAt[i]!;
				this.serials[to] = serials[i]!;
				this.timestamps[to] = timestamps[i]!;
				this.lengths[to] = lengths[i]!;
				if ((f & RESENT) !== 0) {
					this.resentAt[to] = resentAt[i]!;
					this.sentTimes[to] = sentTimes[i]!;
				}
				if ((f & PATCH) !== 0) {
					this.patchOffset[to] = patchOffset[i]!;
					this.patchValue[to] = patchValue[i]!;
					this.patchLength[to] = patchLength[i]!;
				}
				this.flags[to] = f;
			}
			// A copy's buffer goes with its packet; a free slot's stays at i (no packet moves there).
			if (moved !== null) moved[to] = buffers![i];
		}
		this.buffers = moved;
	}

	private beginAnswer(nowMs: number): void {
		this.resend.length = 0;
		this.missing.length = 0;
		this.throttled.length = 0;
		this.youngestAskedMs = Infinity;
		this.evictOld(nowMs);
	}

	private answerOne(seq: number, nowMs: number, rttMs: number): void {
		const ext = this.started ? this.lookup(seq) : NaN;
		if (ext !== ext) {
			this.missing.push(seq);
			return;
		}
		const slot = ext & this.mask;
		const age = nowMs - this.storedAt[slot]!;
		if (age < this.youngestAskedMs) this.youngestAskedMs = age;
		const f = this.flags[slot]!;
		if ((f & RESENT) === 0) {
			this.flags[slot] = f | RESENT;
			this.sentTimes[slot] = 1;
		} else if (nowMs - this.resentAt[slot]! <= rttMs) {
			// Also makes a seq listed twice in one NACK a single resend.
			this.throttled.push(seq);
			return;
		} else {
			this.sentTimes[slot]++;
		}
		this.resentAt[slot] = nowMs;
		const k = this.resend.length;
		let view = this.resendViews[k];
		if (view === undefined) {
			view = new RetransmissionItem(EMPTY);
			this.resendViews.push(view);
		}
		this.resend.push(this.fill(view, ext));
	}

	/** The extended seq of the packet held with this 16-bit seq (at slot ext & mask), or NaN. */
	private lookup(seq: number): number {
		const ext = this.newestExt + (((seq - this.newestSeq) << 16) >> 16);
		if (ext > this.newestExt || ext < this.oldestExt) return NaN;
		// In the window: a packet held in its slot is this one.
		return (this.flags[ext & this.mask]! & HELD) !== 0 ? ext : NaN;
	}

	/** Makes `item` a view of the packet held with extended seq `ext`. */
	private fill(item: RetransmissionItem, ext: number): RetransmissionItem {
		const slot = ext & this.mask;
		const f = this.flags[slot]!;
		item.seq = ext;
		item.storedAtMs = this.storedAt[slot]!;
		item.valid = true;
		if ((f & RESENT) !== 0) {
			item.sentTimes = this.sentTimes[slot]!;
			item.resentAtMs = this.resentAt[slot]!;
		} else {
			item.sentTimes = 0;
			item.resentAtMs = 0;
		}
		if ((f & COPY) !== 0) {
			item.buffer = this.buffers![slot]!;
			item.length = this.lengths[slot]!;
			item.shared = null;
			item.sharedGen = 0;
		} else {
			item.buffer = EMPTY;
			item.sharedGen = this.serials[slot]!;
			item.shared = store.packetAt(item.sharedGen);
			item.length = item.shared.length;
		}
		item.timestamp = this.timestamps[slot]!;
		item.markerSet = (f & MARKER) !== 0;
		if ((f & PATCH) !== 0) {
			item.patchOffset = this.patchOffset[slot]!;
			item.patchLength = this.patchLength[slot]!;
			item.patchValue = this.patchValue[slot]!;
		} else {
			item.patchOffset = -1;
			item.patchLength = 0;
			item.patchValue = 0;
		}
		return item;
	}

	/** Evicts from the oldest end while packets are older than the age limit. */
	private evictOld(nowMs: number): void {
		const limit = nowMs - this.ageLimitMs;
		if (this.oldestKeptAtMs >= limit) return;
		const flags = this.flags;
		const storedAt = this.storedAt;
		const mask = this.mask;
		const newest = this.newestExt;
		let oldest = this.oldestExt;
		let keptAt = -Infinity;
		while (oldest <= newest && this.size > 0) {
			// A packet held in this slot is seq `oldest` (the window, see the class comment).
			const slot = oldest & mask;
			const f = flags[slot]!;
			if ((f & HELD) !== 0) {
				if (storedAt[slot]! >= limit) {
					keptAt = storedAt[slot]!;
					break;
				}
				flags[slot] = 0;
				this.size--;
			}
			oldest++;
		}
		this.oldestExt = oldest;
		this.oldestKeptAtMs = keptAt;
	}

	/**
	 * Evicts every packet with extended seq < `limit` (the count bound). A packet held in a slot
	 * visited is the one of seq `ext` (the window); a jump past the whole table visits each slot
	 * once, and evicts everything (the window held is then wholly below the limit).
	 */
	private evictBefore(limit: number): void {
		const flags = this.flags;
		const mask = this.mask;
		let ext = this.oldestExt;
		if (limit - ext > this.slotCount) ext = limit - this.slotCount;
		for (; ext < limit; ext++) {
			const slot = ext & mask;
			if ((flags[slot]! & HELD) !== 0) {
				flags[slot] = 0;
				this.size--;
			}
		}
		this.oldestExt = limit;
		// The first packet held is another one now.
		this.oldestKeptAtMs = -Infinity;
	}
}
